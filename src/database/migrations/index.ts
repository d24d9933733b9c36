import { InitialSchema1764000000000 } from './1764000000000-initial-schema';
import { DeliveryAndInbox1764100000000 } from './1764100000000-delivery-and-inbox';

/** Every migration, oldest first. */
export const MIGRATIONS = [InitialSchema1764000000000, DeliveryAndInbox1764100000000];
