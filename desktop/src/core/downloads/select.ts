import type { ContentFile, LessonManifest, ManifestAsset } from '@lyceum/contracts';

export type DownloadQuality = '360p' | '720p' | '1080p';

/** One file of a lesson's manifest chosen for the offline copy. */
export interface PlannedFile {
  lessonId: string;
  assetId: string;
  /** `<lessonId>/<assetId>/<path>`: where it goes under content/<courseId>/. */
  relPath: string;
  url: string;
  size: number;
  sha256: string;
}

const heightOf = (name: string): number | null => {
  const m = /^(\d+)p$/.exec(name);
  return m ? Number(m[1]) : null;
};

/** The rendition for a preference: the highest one not above it, else the lowest there is. */
export function chooseRendition(names: string[], quality: DownloadQuality): string | null {
  const want = heightOf(quality) ?? 720;
  const ranked = names
    .map((n) => ({ n, h: heightOf(n) }))
    .filter((r): r is { n: string; h: number } => r.h !== null)
    .sort((a, b) => a.h - b.h);
  if (ranked.length === 0) return names.sort()[0] ?? null;
  const fit = ranked.filter((r) => r.h <= want);
  return (fit.length ? fit[fit.length - 1]! : ranked[0]!).n;
}

/**
 * The files of one asset to keep: for a packaged video (entry `…/master.m3u8`) the master playlist and what sits
 * beside it (poster), plus the whole folder of the chosen rendition (its playlist, init segment and media
 * segments); for anything else every file (the upload itself).
 */
export function selectAssetFiles(asset: ManifestAsset, quality: DownloadQuality): ContentFile[] {
  if (asset.status !== 'ready' || !asset.entry) return [];
  if (!asset.entry.endsWith('.m3u8')) return asset.files;
  const slash = asset.entry.lastIndexOf('/');
  const root = slash >= 0 ? asset.entry.slice(0, slash + 1) : '';
  const below = asset.files.filter((f) => f.path.startsWith(root)).map((f) => f.path.slice(root.length));
  const renditions = [
    ...new Set(below.filter((p) => /^[^/]+\/[^/]+\.m3u8$/.test(p)).map((p) => p.split('/')[0]!)),
  ];
  const chosen = chooseRendition(renditions, quality);
  return asset.files.filter((f) => {
    if (!f.path.startsWith(root)) return false;
    const rest = f.path.slice(root.length);
    return !rest.includes('/') || (chosen !== null && rest.startsWith(`${chosen}/`));
  });
}

/** Every file of a lesson's manifest to download, with its local path. */
export function planLesson(manifest: LessonManifest, quality: DownloadQuality): PlannedFile[] {
  return manifest.assets.flatMap((a) =>
    selectAssetFiles(a, quality).map((f) => ({
      lessonId: manifest.lessonId,
      assetId: a.id,
      relPath: `${manifest.lessonId}/${a.id}/${f.path}`,
      url: f.url,
      size: f.size,
      sha256: f.sha256,
    })),
  );
}

/** A relative path that stays inside its folder: no empty, '.', '..' or backslash/NUL segments, not absolute. */
export function isSafeRelPath(p: string): boolean {
  if (!p || p.startsWith('/') || p.length > 1024) return false;
  return p.split('/').every((s) => s !== '' && s !== '.' && s !== '..' && !/[\\\0:]/.test(s));
}
