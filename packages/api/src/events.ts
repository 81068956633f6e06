/**
 * Server-sent events, one map shared by the server (sender), the kiosk and the back office
 * (listeners). The SSE `event:` field is the key, `data:` is the JSON value.
 */
export interface EventMap {
  /** First event of every stream: lets a kiosk reload itself when the server was upgraded. */
  hello: { buildId: string; modelId: string; serverTime: string };
  /** A new example; `embedding` is base64 of little-endian float32 so kiosks can sync without a refetch. */
  'example.added': { id: string; label: string; modelId: string; embedding: string; createdAt: string };
  'example.removed': { id: string; label: string };
  /** A label was cleared, renamed or merged; listeners refetch what they show of it. */
  'label.changed': { label: string; action: 'created' | 'cleared' | 'renamed' | 'merged'; to?: string };
  /** Products were created, edited, imported or deleted. */
  'catalog.changed': { productIds: string[] };
  /** The ranked recommendations of a label changed. */
  'recommendations.changed': { label: string };
  /** Settings that kiosks apply live (threshold, smoothing, idle timeout, model). */
  'settings.changed': { keys: string[] };
  /** A kiosk recognised (or failed to recognise) a product. */
  recognition: { label: string | null; confidence: number; at: string };
}

/** Name of a server-sent event. */
export type EventName = keyof EventMap;

/** One typed event: what `send(type, data)` carries. */
export type AppEvent = { [K in EventName]: { type: K; data: EventMap[K] } }[EventName];
