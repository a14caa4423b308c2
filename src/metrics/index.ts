/** The fine-tuning metrics: pure functions of predictions and references, keyed as the official scripts name them. */
export { accuracy, classificationMetrics, type ClassificationScores } from './classification.js';
export { multiLabelMetrics, type MultiLabelScores } from './multi-label.js';
export { multipleChoiceMetrics, type MultipleChoiceScores } from './multiple-choice.js';
export { averageRanks, meanSquaredError, pearson, regressionMetrics, spearman, type RegressionScores } from './regression.js';
export { extractEntities, seqevalJson, seqevalMetrics, type Entity, type EntityScores, type SeqevalScores } from './seqeval.js';
export { exactMatch, f1V1, f1V2, normalizeAnswer } from './squad-answer.js';
export {
  SQUAD_V2_NA_PROB_THRESH, squadV1, squadV2, type SquadReference, type SquadV1Scores, type SquadV2Options, type SquadV2Scores,
} from './squad.js';
