/**
 * Starts downloading a model's files (manifest, weight shards, model card) at once, so the download runs
 * while RDKit and the tfjs backend start instead of after them. An ensemble's manifest names member
 * directories, whose manifests and shards are fetched the same way. The returned fetch answers those
 * URLs from the downloads already under way and passes any other URL through.
 */
export function prefetchModel(modelUrl: string): typeof fetch {
  const started = new Map<string, Promise<Response>>();
  const start = (name: string, base: URL): Promise<Response> => {
    const url = new URL(name, base).toString();
    let response = started.get(url);
    if (!response) {
      response = fetch(url);
      // A failed download is reported by whoever reads it, with the file's URL.
      response.catch(() => undefined);
      started.set(url, response);
    }
    return response;
  };
  type Manifest = { weightsManifest?: { paths?: unknown }[]; members?: unknown };
  const startModel = (dir: URL, withCard: boolean): void => {
    start('model.json', dir)
      .then((response) => (response.ok ? response.clone().json() : null))
      .then((manifest: Manifest | null) => {
        for (const member of Array.isArray(manifest?.members) ? manifest.members : []) {
          if (typeof member !== 'string') continue;
          startModel(new URL(member.endsWith('/') ? member : `${member}/`, dir), false);
        }
        for (const group of manifest?.weightsManifest ?? []) {
          for (const path of Array.isArray(group.paths) ? group.paths : []) {
            if (typeof path === 'string') start(path, dir);
          }
        }
      })
      .catch(() => undefined); // not JSON: the loader reports it when it reads model.json itself
    // Members' cards are not read: the ensemble's own card describes what the user sees.
    if (withCard) start('model-card.json', dir);
  };
  startModel(
    new URL(modelUrl.endsWith('/') ? modelUrl : `${modelUrl}/`, globalThis.location?.href),
    true,
  );

  return (input, init) => {
    const url = input instanceof Request ? input.url : input.toString();
    const response = started.get(url);
    // Each reader gets its own copy of the body; the stored one stays readable for the next.
    return response && !init ? response.then((r) => r.clone()) : fetch(input, init);
  };
}
