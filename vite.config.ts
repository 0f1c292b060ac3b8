import { defineConfig } from 'vite';
import react from '@vitejs/plugin-react';
import { VitePWA } from 'vite-plugin-pwa';
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { checkEnsembleManifest, isEnsembleManifest } from './src/model';
import {
  DEFAULT_ALIAS,
  MODELS_PATH,
  parseRegistry,
  REGISTRY_FILE,
  resolveModel,
} from './src/model';

// Cross-origin isolation lets the tfjs wasm backend use threads in the page.
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

/**
 * Model directories the offline cache leaves out: every one except the registry's production
 * model and its members, so keeping older versions for rollback does not grow the offline download.
 */
function modelDirsNotInProduction(modelsDir = `public/${MODELS_PATH}`): string[] {
  const file = path.join(modelsDir, REGISTRY_FILE);
  const registry = parseRegistry(JSON.parse(readFileSync(file, 'utf8')), file);
  const production = resolveModel(registry, DEFAULT_ALIAS);
  const manifestFile = path.join(modelsDir, production.path, 'model.json');
  const manifest: unknown = JSON.parse(readFileSync(manifestFile, 'utf8'));
  const members = isEnsembleManifest(manifest)
    ? checkEnsembleManifest(manifest, manifestFile).members
    : [];
  const keep = new Set(
    [production.path, ...members.map((m) => path.join(production.path, m))].map((d) =>
      path.normalize(d).replace(/[/\\]+$/, ''),
    ),
  );
  return readdirSync(modelsDir, { withFileTypes: true })
    .filter((e) => e.isDirectory() && !keep.has(e.name))
    .map((e) => e.name);
}

/** The URL the service worker precaches the build's registry.json under (see runtimeCaching). */
const OFFLINE_REGISTRY = `${MODELS_PATH}/${REGISTRY_FILE}?offline`;

function registryRevision(modelsDir = `public/${MODELS_PATH}`): string {
  return createHash('sha256')
    .update(readFileSync(path.join(modelsDir, REGISTRY_FILE)))
    .digest('hex');
}

export default defineConfig({
  plugins: [
    react(),
    VitePWA({
      registerType: 'autoUpdate',
      injectRegister: 'script-defer',
      includeAssets: ['icons/*.png'],
      manifest: {
        name: 'QM9 property predictor',
        short_name: 'QM9 predictor',
        description:
          'Draw, paste or drop molecules and predict 12 quantum-chemical properties in the browser.',
        theme_color: '#2458c6',
        background_color: '#f4f6f9',
        display: 'standalone',
        icons: [
          { src: 'icons/icon-192.png', sizes: '192x192', type: 'image/png' },
          {
            src: 'icons/icon-512.png',
            sizes: '512x512',
            type: 'image/png',
            purpose: 'any maskable',
          },
        ],
      },
      workbox: {
        // Everything a prediction needs offline: shell, workers, RDKit and tfjs wasm, model files,
        // and OpenChemLib's conformer resources for the 3D view.
        globPatterns: ['**/*.{js,css,html,wasm,json,bin,png,webmanifest}'],
        // The page loads float32 weights; the float16 and uint8 variants are for other clients.
        globIgnores: [
          // Never served from the precache: a promotion moves its aliases without a rebuild.
          `${MODELS_PATH}/${REGISTRY_FILE}`,
          'models/**/*.float16.*',
          'models/**/*.uint8.*',
          // Read by the drift server only; the model page's evaluation.json is cached.
          'models/**/drift-reference.json',
          ...modelDirsNotInProduction().map((dir) => `models/${dir}/**`),
        ],
        // The build's registry under another URL: the offline answer when no visit under this
        // service worker has fetched registry.json yet (the first visit loads it before the
        // worker takes control). Its production model is the one precached above.
        additionalManifestEntries: [{ url: OFFLINE_REGISTRY, revision: registryRevision() }],
        runtimeCaching: [
          {
            // The registry from the network first, so a promotion shows on the next visit; the
            // last one fetched (or the build's) when offline.
            urlPattern: new RegExp(`/${MODELS_PATH}/${REGISTRY_FILE.replace('.', '\\.')}$`),
            handler: 'NetworkFirst',
            options: {
              cacheName: 'qm9-registry',
              cacheableResponse: { statuses: [200] },
              precacheFallback: { fallbackURL: OFFLINE_REGISTRY },
            },
          },
          {
            // Files of models promoted after the build: kept once used, refreshed in the background.
            urlPattern: new RegExp(`/${MODELS_PATH}/.+\\.(?:json|bin)$`),
            handler: 'StaleWhileRevalidate',
            options: { cacheName: 'qm9-models', cacheableResponse: { statuses: [200] } },
          },
        ],
        maximumFileSizeToCacheInBytes: 16 * 1024 * 1024,
        navigateFallback: 'index.html',
        cleanupOutdatedCaches: true,
        // Control the first visit too, so that it already fills the cache for the next offline one.
        clientsClaim: true,
        skipWaiting: true,
      },
    }),
  ],
  server: { headers: isolation },
  preview: { headers: isolation },
  worker: { format: 'es' },
  build: { target: 'es2022', chunkSizeWarningLimit: 4000 },
});
