export {
  associationMeasures,
  createCooccurrenceCounter,
  createCooccurrenceModel,
  type AssociationRule,
  type CooccurrenceCounter,
  type CooccurrenceCounts,
  type CooccurrenceModel,
  type CounterOptions,
  type RuleOptions,
  type RuleRanking,
} from './cooccurrence.ts';
