/**
 * Starts downloading a model's files (manifest, weight shards, model card) at once, so the download runs
 * while RDKit and the tfjs backend start instead of after them. The returned fetch answers those URLs
 * from the downloads already under way and passes any other URL through.
 */
export function prefetchModel(modelUrl: string): typeof fetch {
  const base = new URL(
    modelUrl.endsWith('/') ? modelUrl : `${modelUrl}/`,
    globalThis.location?.href,
  );
  const started = new Map<string, Promise<Response>>();
  const start = (name: string): Promise<Response> => {
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
  start('model.json')
    .then((response) => (response.ok ? response.clone().json() : null))
    .then((manifest: { weightsManifest?: { paths?: unknown }[] } | null) => {
      for (const group of manifest?.weightsManifest ?? []) {
        for (const path of Array.isArray(group.paths) ? group.paths : []) {
          if (typeof path === 'string') start(path);
        }
      }
    })
    .catch(() => undefined); // not JSON: the loader reports it when it reads model.json itself
  start('model-card.json');

  return (input, init) => {
    const url = input instanceof Request ? input.url : input.toString();
    const response = started.get(url);
    // Each reader gets its own copy of the body; the stored one stays readable for the next.
    return response && !init ? response.then((r) => r.clone()) : fetch(input, init);
  };
}
