import { describe, test } from 'node:test';
import assert from 'node:assert/strict';
import fc from 'fast-check';
import { compareNumbers, compareStrings, PTree } from '../../packages/core/src/ptree.ts';

describe('PTree (persistent ordered map with ranks)', () => {
  test('property: any sequence of sets and deletes matches a Map; ranks, positions and order match the sorted keys; old versions never change', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.boolean(),
            fc.oneof(fc.string({ maxLength: 3 }), fc.constantFrom('__proto__', 'constructor')),
            fc.integer(),
          ),
          { maxLength: 300 },
        ),
        (ops) => {
          let t = PTree.empty<string, number>(compareStrings);
          const model = new Map<string, number>();
          const history: [PTree<string, number>, [string, number][]][] = [];
          for (const [add, k, v] of ops) {
            if (add) {
              t = t.set(k, v);
              model.set(k, v);
            } else {
              t = t.delete(k);
              model.delete(k);
            }
            history.push([t, [...model.entries()].sort((a, b) => compareStrings(a[0], b[0]))]);
          }
          for (const [tree, sorted] of history) {
            assert.equal(tree.size, sorted.length);
            assert.deepEqual([...tree.entries()], sorted, 'an old version is unchanged');
          }
          const sorted = history.at(-1)?.[1] ?? [];
          sorted.forEach(([k, v], i) => {
            assert.equal(t.get(k), v);
            assert.equal(t.rank(k), i);
            assert.deepEqual(t.at(i), [k, v]);
          });
          assert.deepEqual(t.first(), sorted[0]);
        },
      ),
      { numRuns: 500 },
    );
  });

  test('100,000 keys: appends and removals stay shallow (no stack growth), rank and at agree', () => {
    let t = PTree.empty<number, number>(compareNumbers);
    for (let i = 0; i < 100_000; i++) t = t.set(i, i);
    for (let i = 0; i < 100_000; i += 3) t = t.delete(i);
    assert.equal(t.size, 66_666);
    assert.equal(t.rank(50_000), 33_333);
    assert.deepEqual(t.at(33_333), [50_000, 50_000]);
    assert.deepEqual(
      [...t.upTo(5)].map(([k]) => k),
      [1, 2, 4, 5],
    );
  });
});
