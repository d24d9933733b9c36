import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { DeliveryAndInbox1764100000000 } from './1764100000000-delivery-and-inbox';
import { Imports1764200000000 } from './1764200000000-imports';
import { StageVisits1764300000000 } from './1764300000000-stage-visits';
import { Search1764400000000 } from './1764400000000-search';
import { ImportJobs1764500000000 } from './1764500000000-import-jobs';
import { HealthTally1764700000000 } from './1764700000000-health-tally';
import { StageStays1764600000000 } from './1764600000000-stage-stays';
import { ListIndexes1764800000000 } from './1764800000000-list-indexes';
import { TallyShards1764900000000 } from './1764900000000-tally-shards';
import { Listings1765000000000 } from './1765000000000-listings';

/** Every migration, oldest first. */
export const MIGRATIONS = [InitialSchema1764000000000, DeliveryAndInbox1764100000000, Imports1764200000000, StageVisits1764300000000, Search1764400000000, ImportJobs1764500000000, StageStays1764600000000, HealthTally1764700000000, ListIndexes1764800000000, TallyShards1764900000000, Listings1765000000000];
