/** Differences between two run manifests (plain JSON), as `path: saved -> now` lines. */

function leaves(value: unknown, prefix: string, out: Map<string, string>): void {
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0 && prefix) out.set(prefix, '{}');
    for (const [k, v] of entries) leaves(v, prefix ? `${prefix}.${k}` : k, out);
    return;
  }
  out.set(prefix, JSON.stringify(value) ?? 'undefined');
}

/** Every leaf that differs, in the saved manifest's order then the new one's: `models.task.spec: "a" -> "b"`. */
export function diffManifests(saved: unknown, now: unknown): string[] {
  const a = new Map<string, string>();
  const b = new Map<string, string>();
  leaves(saved, '', a);
  leaves(now, '', b);
  const out: string[] = [];
  for (const key of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(key) ?? '(absent)';
    const y = b.get(key) ?? '(absent)';
    if (x !== y) out.push(`${key}: ${x} (checkpoint) vs ${y} (now)`);
  }
  return out;
}
