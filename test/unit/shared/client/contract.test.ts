import { describe, expectTypeOf, it } from 'vitest';
import type * as Service from '../../../../shared/app/region-service.ts';
import type * as Client from '../../../../shared/client/types.ts';
import type { LinkState } from '../../../../shared/ports/link-control.ts';

// The client is written against the design's API table; the service implements it. These checks
// fail to type-check (npx tsc --noEmit) the day the two drift apart.
describe('client types accept what the region service answers', () => {
  it('matches route by route', () => {
    expectTypeOf<Service.WriteResult>().toExtend<Client.WriteResult>();
    expectTypeOf<Service.KeyView>().toExtend<Client.KeyView>();
    expectTypeOf<Service.KeyHistory>().toExtend<Client.KeyHistory>();
    expectTypeOf<Service.AccountSummary>().toExtend<Client.AccountSummary>();
    expectTypeOf<Service.AccountHistory>().toEqualTypeOf<Client.AccountHistory>();
    expectTypeOf<Service.EventDetail>().toExtend<Client.EventDetail>();
    expectTypeOf<Service.ConflictList>().toExtend<Client.ConflictList>();
    expectTypeOf<Service.RegionStatus>().toExtend<Client.RegionStatus>();
    expectTypeOf<LinkState>().toExtend<Client.LinkStatus>();
  });
});
