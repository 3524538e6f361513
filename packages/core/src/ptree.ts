/**
 * A persistent (immutable) ordered map: a weight-balanced binary tree with path copying. Every
 * update returns a new tree sharing all but O(log n) nodes with the old one, so the authority's
 * states stay pure values (an old state is never changed) while a step costs O(log n) in the
 * number of members or requests instead of a copy of the whole collection. Nodes carry subtree
 * sizes, so `rank` ("you are 4,213th") and `at` (the queue's head) are O(log n) too.
 */
export type Compare<K> = (a: K, b: K) => number;

interface Node<K, V> {
  readonly key: K;
  readonly value: V;
  readonly left: Node<K, V> | null;
  readonly right: Node<K, V> | null;
  readonly size: number;
}

const sizeOf = (n: Node<unknown, unknown> | null) => (n ? n.size : 0);
const node = <K, V>(key: K, value: V, left: Node<K, V> | null, right: Node<K, V> | null): Node<K, V> => ({
  key,
  value,
  left,
  right,
  size: sizeOf(left) + sizeOf(right) + 1,
});

// Weight-balanced tree parameters (Hirai & Yamamoto's <3, 2>).
const DELTA = 3;
const GAMMA = 2;

function balance<K, V>(key: K, value: V, l: Node<K, V> | null, r: Node<K, V> | null): Node<K, V> {
  const ls = sizeOf(l) + 1;
  const rs = sizeOf(r) + 1;
  if (rs > DELTA * ls) {
    // right heavy
    const rl = r!.left;
    const rr = r!.right;
    if (sizeOf(rl) + 1 < GAMMA * (sizeOf(rr) + 1)) return node(r!.key, r!.value, node(key, value, l, rl), rr);
    return node(rl!.key, rl!.value, node(key, value, l, rl!.left), node(r!.key, r!.value, rl!.right, rr));
  }
  if (ls > DELTA * rs) {
    const ll = l!.left;
    const lr = l!.right;
    if (sizeOf(lr) + 1 < GAMMA * (sizeOf(ll) + 1)) return node(l!.key, l!.value, ll, node(key, value, lr, r));
    return node(lr!.key, lr!.value, node(l!.key, l!.value, ll, lr!.left), node(key, value, lr!.right, r));
  }
  return node(key, value, l, r);
}

function insert<K, V>(t: Node<K, V> | null, key: K, value: V, cmp: Compare<K>): Node<K, V> {
  if (!t) return node(key, value, null, null);
  const c = cmp(key, t.key);
  if (c < 0) return balance(t.key, t.value, insert(t.left, key, value, cmp), t.right);
  if (c > 0) return balance(t.key, t.value, t.left, insert(t.right, key, value, cmp));
  return t.value === value ? t : node(key, value, t.left, t.right);
}

function removeMin<K, V>(t: Node<K, V>): [Node<K, V>, Node<K, V> | null] {
  if (!t.left) return [t, t.right];
  const [min, left] = removeMin(t.left);
  return [min, balance(t.key, t.value, left, t.right)];
}

function glue<K, V>(l: Node<K, V> | null, r: Node<K, V> | null): Node<K, V> | null {
  if (!l) return r;
  if (!r) return l;
  const [min, rest] = removeMin(r);
  return balance(min.key, min.value, l, rest);
}

function remove<K, V>(t: Node<K, V> | null, key: K, cmp: Compare<K>): Node<K, V> | null {
  if (!t) return null;
  const c = cmp(key, t.key);
  if (c < 0) {
    const left = remove(t.left, key, cmp);
    return left === t.left ? t : balance(t.key, t.value, left, t.right);
  }
  if (c > 0) {
    const right = remove(t.right, key, cmp);
    return right === t.right ? t : balance(t.key, t.value, t.left, right);
  }
  return glue(t.left, t.right);
}

export const compareStrings: Compare<string> = (a, b) => (a < b ? -1 : a > b ? 1 : 0);
export const compareNumbers: Compare<number> = (a, b) => a - b;

export class PTree<K, V> {
  private constructor(
    private readonly root: Node<K, V> | null,
    readonly compare: Compare<K>,
  ) {}

  static empty<K, V>(compare: Compare<K>): PTree<K, V> {
    return new PTree<K, V>(null, compare);
  }

  static of<K, V>(compare: Compare<K>, entries: Iterable<readonly [K, V]>): PTree<K, V> {
    let t = PTree.empty<K, V>(compare);
    for (const [k, v] of entries) t = t.set(k, v);
    return t;
  }

  get size(): number {
    return sizeOf(this.root);
  }

  get(key: K): V | undefined {
    let t = this.root;
    while (t) {
      const c = this.compare(key, t.key);
      if (c === 0) return t.value;
      t = c < 0 ? t.left : t.right;
    }
    return undefined;
  }

  has(key: K): boolean {
    let t = this.root;
    while (t) {
      const c = this.compare(key, t.key);
      if (c === 0) return true;
      t = c < 0 ? t.left : t.right;
    }
    return false;
  }

  set(key: K, value: V): PTree<K, V> {
    const root = insert(this.root, key, value, this.compare);
    return root === this.root ? this : new PTree(root, this.compare);
  }

  delete(key: K): PTree<K, V> {
    const root = remove(this.root, key, this.compare);
    return root === this.root ? this : new PTree(root, this.compare);
  }

  /** How many keys are smaller than `key` (its 0-based position when present). */
  rank(key: K): number {
    let t = this.root;
    let r = 0;
    while (t) {
      const c = this.compare(key, t.key);
      if (c <= 0) {
        if (c === 0) return r + sizeOf(t.left);
        t = t.left;
      } else {
        r += sizeOf(t.left) + 1;
        t = t.right;
      }
    }
    return r;
  }

  /** The entry at 0-based position `i` in key order. */
  at(i: number): [K, V] | undefined {
    let t = this.root;
    if (i < 0 || i >= sizeOf(t)) return undefined;
    while (t) {
      const ls = sizeOf(t.left);
      if (i < ls) t = t.left;
      else if (i === ls) return [t.key, t.value];
      else {
        i -= ls + 1;
        t = t.right;
      }
    }
    return undefined;
  }

  first(): [K, V] | undefined {
    let t = this.root;
    if (!t) return undefined;
    while (t.left) t = t.left;
    return [t.key, t.value];
  }

  /** Entries in key order (an explicit stack: no recursion, whatever the size). */
  *entries(): IterableIterator<[K, V]> {
    const stack: Node<K, V>[] = [];
    let t = this.root;
    while (t || stack.length) {
      while (t) {
        stack.push(t);
        t = t.left;
      }
      const n = stack.pop()!;
      yield [n.key, n.value];
      t = n.right;
    }
  }

  /** Entries with keys greater than `key`, in order: O(log n) to start, then O(1) amortised per entry. */
  *after(key: K): IterableIterator<[K, V]> {
    const stack: Node<K, V>[] = [];
    let t = this.root;
    while (t) {
      if (this.compare(key, t.key) < 0) {
        stack.push(t);
        t = t.left;
      } else t = t.right;
    }
    while (stack.length) {
      const n = stack.pop()!;
      yield [n.key, n.value];
      let r = n.right;
      while (r) {
        stack.push(r);
        r = r.left;
      }
    }
  }

  *values(): IterableIterator<V> {
    for (const [, v] of this.entries()) yield v;
  }

  *keys(): IterableIterator<K> {
    for (const [k] of this.entries()) yield k;
  }

  /** Entries with keys <= `max`, in order (for "everything due by now"). */
  *upTo(max: K): IterableIterator<[K, V]> {
    for (const e of this.entries()) {
      if (this.compare(e[0], max) > 0) return;
      yield e;
    }
  }
}
