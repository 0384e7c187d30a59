import { describe, expect, it } from 'vitest';
import { Schedule } from '../../../../local/runtime/scheduler.ts';

describe('Schedule (local EventBridge rate)', () => {
  it('runs the job every interval without overlap, survives a failing run, and stop waits for the run in hand', async () => {
    // Prepare
    let running = 0;
    let overlap = false;
    let runs = 0;
    const errors: unknown[] = [];
    const schedule = new Schedule(
      10,
      async () => {
        running += 1;
        overlap ||= running > 1;
        runs += 1;
        await new Promise((r) => setTimeout(r, 30));
        running -= 1;
        if (runs === 2) throw new Error('one bad run');
      },
      (e) => errors.push(e),
    );

    // Act
    schedule.start();
    await new Promise((r) => setTimeout(r, 200));
    await schedule.stop();
    const after = runs;
    await new Promise((r) => setTimeout(r, 50));

    // Assess
    expect(runs).toBeGreaterThanOrEqual(3);
    expect(overlap).toBe(false);
    expect(running).toBe(0);
    expect(errors).toHaveLength(1);
    expect(runs).toBe(after);
  });
});
