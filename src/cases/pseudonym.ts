import { randomInt } from 'node:crypto';

/** Names of trees, the same in every language's records, that say nothing about a person. */
const TREES = [
  'Alder', 'Ash', 'Aspen', 'Beech', 'Birch', 'Cedar', 'Cherry', 'Chestnut', 'Cypress', 'Elm', 'Fir', 'Hazel',
  'Hawthorn', 'Hornbeam', 'Juniper', 'Larch', 'Laurel', 'Linden', 'Maple', 'Oak', 'Olive', 'Pine', 'Poplar',
  'Rowan', 'Spruce', 'Sycamore', 'Walnut', 'Willow', 'Yew', 'Magnolia', 'Acacia', 'Plane',
];

/** A pseudonym like "Birch-47": random, so it reveals nothing of the person or the order of cases. */
export function newPseudonym(): string {
  return `${TREES[randomInt(TREES.length)]}-${randomInt(10, 100)}`;
}
