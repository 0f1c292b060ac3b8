/** mulberry32: small seeded PRNG whose whole state is one integer (saved in checkpoints). */
export class Rng {
  constructor(public state: number) {}
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) | 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  shuffle<T extends { length: number; [i: number]: number }>(a: T): T {
    for (let i = a.length - 1; i > 0; i--) {
      const j = this.int(i + 1);
      const t = a[i];
      a[i] = a[j];
      a[j] = t;
    }
    return a;
  }
  /** At most `max` of `rows` without replacement (the drift reference's seeded sample). */
  sample<T>(rows: readonly T[], max: number): T[] {
    if (rows.length <= max) return [...rows];
    const picked = [...rows];
    for (let i = 0; i < max; i++) {
      const j = i + this.int(picked.length - i);
      [picked[i], picked[j]] = [picked[j], picked[i]];
    }
    return picked.slice(0, max);
  }
}
