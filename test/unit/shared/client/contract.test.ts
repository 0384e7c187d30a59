import { describe, expectTypeOf, it } from 'vitest';
import type * as Service from '../../../../shared/app/region-service.ts';
import type * as Client from '../../../../shared/client/types.ts';
import type { StoredEvent } from '../../../../shared/domain/types.ts';
import type { LinkState } from '../../../../shared/ports/link-control.ts';

// The client's types are derived from the service's (shared/client/types.ts). These checks fail to
// type-check (npx tsc --noEmit) the day someone re-declares one by hand and it drifts, or loosens
// a field beyond "optional".
describe('client types are the region service\'s answers', () => {
  it('accepts what the service answers, route by route', () => {
    expectTypeOf<Service.WriteResult>().toExtend<Client.WriteResult>();
    expectTypeOf<Service.KeyView>().toExtend<Client.KeyView>();
    expectTypeOf<Service.KeyHistory>().toExtend<Client.KeyHistory>();
    expectTypeOf<Service.AccountSummary>().toExtend<Client.AccountSummary>();
    expectTypeOf<Service.AccountHistory>().toExtend<Client.AccountHistory>();
    expectTypeOf<Service.EventDetail>().toExtend<Client.EventDetail>();
    expectTypeOf<Service.ConflictList>().toExtend<Client.ConflictList>();
    expectTypeOf<Service.RegionStatus>().toExtend<Client.RegionStatus>();
    expectTypeOf<LinkState>().toExtend<Client.LinkStatus>();
  });

  it('is the same type where the client reads the answer as is', () => {
    expectTypeOf<Client.LinkStatus>().toEqualTypeOf<Service.LinkStatus>();
    expectTypeOf<Client.LinkLag>().toEqualTypeOf<Service.LinkLag>();
    expectTypeOf<Client.LinkState>().toEqualTypeOf<LinkState>();
  });

  it('differs only by optional fields where it reads tolerantly: same fields, same types once required', () => {
    expectTypeOf<Required<Client.WriteResult>>().toEqualTypeOf<Required<Service.WriteResult>>();
    expectTypeOf<Required<Client.KeyView>>().toEqualTypeOf<Required<Service.KeyView>>();
    expectTypeOf<Required<Client.AccountSummary>>().toEqualTypeOf<Service.AccountSummary>();
    expectTypeOf<Required<Client.AccountHistory>>().toEqualTypeOf<Required<Service.AccountHistory>>();
    expectTypeOf<Required<Client.EventDetail>>().toEqualTypeOf<Service.EventDetail>();
    expectTypeOf<Required<Client.RegionStatus>>().toEqualTypeOf<Required<Service.RegionStatus>>();
    expectTypeOf<Required<Client.HistoryEntry>>().toEqualTypeOf<StoredEvent>();
    expectTypeOf<keyof Client.KeyHistory>().toEqualTypeOf<keyof Service.KeyHistory>();
    expectTypeOf<keyof Client.ConflictList>().toEqualTypeOf<keyof Service.ConflictList>();
    expectTypeOf<keyof Client.ConflictEntry>().toEqualTypeOf<keyof Service.ConflictList['conflicts'][number]>();
    expectTypeOf<Required<Client.ConflictEntry>['headCount']>().toEqualTypeOf<Service.ConflictEntry['headCount']>();
  });
});
