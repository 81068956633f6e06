import { describe, expect, it } from 'vitest';
import { move } from './recommendations.tsx';
import { t } from '../strings.ts';

describe('move (drag-and-drop and keyboard reordering)', () => {
  it('moves an item up, down and across the list', () => {
    expect(move(['a', 'b', 'c', 'd'], 2, 1)).toEqual(['a', 'c', 'b', 'd']);
    expect(move(['a', 'b', 'c', 'd'], 0, 1)).toEqual(['b', 'a', 'c', 'd']);
    expect(move(['a', 'b', 'c', 'd'], 3, 0)).toEqual(['d', 'a', 'b', 'c']);
  });

  it('leaves the list unchanged when a move falls outside it', () => {
    const list = ['a', 'b'];
    expect(move(list, 0, -1)).toEqual(['a', 'b']);
    expect(move(list, 1, 2)).toEqual(['a', 'b']);
    expect(move(list, 0, 0)).not.toBe(list);
  });
});

describe('strings', () => {
  it('fills placeholders and keeps unknown ones visible', () => {
    expect(t('recsUp', { name: 'Oat milk' })).toBe('Move Oat milk up');
    expect(t('recsUp')).toBe('Move {name} up');
  });
});
