// Small building blocks every view uses: the error banner, the product card (the same look as
// the mirror's) and an async-action hook that turns AppErrors into friendly text.
import type { ComponentChildren } from 'preact';
import { useCallback, useState } from 'preact/hooks';
import { isAppError, type Product } from '@smartmirror/api';
import { errorText, t } from './strings.ts';

/** Friendly text of any thrown value. */
export function messageOf(err: unknown): string {
  if (isAppError(err)) return errorText(err.code, err.message);
  return t('errorGeneric', { message: err instanceof Error ? err.message : String(err) });
}

/** Runs async actions one at a time, remembering the last error and busy state. */
export function useAction(): {
  busy: boolean;
  error: string | null;
  setError: (e: string | null) => void;
  run: <T>(fn: () => Promise<T>) => Promise<T | undefined>;
} {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const run = useCallback(async <T,>(fn: () => Promise<T>): Promise<T | undefined> => {
    setBusy(true);
    setError(null);
    try {
      return await fn();
    } catch (err) {
      setError(messageOf(err));
      return undefined;
    } finally {
      setBusy(false);
    }
  }, []);
  return { busy, error, setError, run };
}

/** The error line of a view (role=alert so screen readers announce it). */
export function ErrorLine({ error }: { error: string | null }): ComponentChildren {
  return error ? (
    <p class="error" role="alert">
      {error}
    </p>
  ) : null;
}

/** Formats a price in the shop currency; null shows nothing. */
export function formatPrice(price: number | null): string {
  return price === null ? '' : price.toFixed(2);
}

/** A product as the mirror shows it (same markup and look as the kiosk's card). Text is rendered as text. */
export function ProductCard({ product, badge }: { product: Product; badge?: string }): ComponentChildren {
  return (
    <article class="card" data-product-id={product.id}>
      {product.imageUrl && <img src={product.imageUrl} alt="" loading="lazy" />}
      <div class="card-text">
        <h2 class="card-name">{product.name}</h2>
        {product.price !== null && <p class="price">{formatPrice(product.price)}</p>}
        <p class="description">{product.description}</p>
        {badge && <p class="card-badge">{badge}</p>}
      </div>
    </article>
  );
}
