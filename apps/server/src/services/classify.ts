import type { ClassifyResponse } from '@smartmirror/api';
import type { Prediction } from '@smartmirror/core';
import type { CatalogService } from './catalog.ts';
import type { MirrorService } from './mirror.ts';

/**
 * Classifies one embedding and adds the recognised label's recommendations: the one answer of
 * POST /api/classify and `smartmirror classify`. The raw prediction is returned too (for scores).
 */
export async function classifyWithRecommendations(
  mirror: MirrorService,
  catalog: Pick<CatalogService, 'recommendations'>,
  embedding: Float32Array,
): Promise<{ answer: ClassifyResponse; prediction: Prediction }> {
  const p = mirror.classify(embedding);
  const answer: ClassifyResponse = {
    label: p.label,
    unknown: p.unknown,
    confidence: p.confidence,
    similarity: p.similarity,
    neighbours: p.neighbours,
    modelId: mirror.modelId,
    recommendations: p.label === null ? [] : await catalog.recommendations(p.label),
  };
  return { answer, prediction: p };
}
