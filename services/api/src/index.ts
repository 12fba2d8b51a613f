/** The API's public interface for other parts (the live demo reads what it logged). */
export { readPredictionLog, type PredictionRecord } from './predictionLog.ts';
