/** The roles live in common/, where @Allow is typed with them; the parts above the actors keep reading them beside the actor. */
export { Role } from '../common/role';
