import type { PromotionPolicy } from './promotionPolicy.ts';

/**
 * data_quality_policy's limits when the policy leaves them out, in one place: the
 * sentinel judges the summary with them and the drift report shows them.
 */
export const DATA_QUALITY_DEFAULTS = { max_missing_share: 0.2, max_unseen_category_share: 0.05 } as const;

export interface DataQualityLimits {
  maxMissingShare: number;
  maxUnseenCategoryShare: number;
}

export function dataQualityLimits(policy: Pick<PromotionPolicy, 'data_quality_policy'>): DataQualityLimits {
  return {
    maxMissingShare: policy.data_quality_policy?.max_missing_share ?? DATA_QUALITY_DEFAULTS.max_missing_share,
    maxUnseenCategoryShare: policy.data_quality_policy?.max_unseen_category_share ?? DATA_QUALITY_DEFAULTS.max_unseen_category_share,
  };
}
