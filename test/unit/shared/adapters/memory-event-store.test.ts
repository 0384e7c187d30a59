/**
 * The memory store passes the same contract as the DynamoDB store.
 */
import { MemoryEventStore } from '../../../../shared/adapters/memory-event-store.ts';
import { eventStoreContract } from '../../../support/event-store-contract.ts';

eventStoreContract('memory', async () => new MemoryEventStore({ region: 'us-east-1' }));
