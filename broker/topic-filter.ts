// The matching helpers live with the topic contract (lib/catalogue/topics.ts): the registry validates
// integration accounts' patterns with them too.
export { filterCovers, isValidFilter, topicMatches } from '../lib/catalogue/topics.ts';
