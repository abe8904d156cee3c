// Leaflet helpers. Under the configurable tile layer there is always an offline base layer
// (a light background with a graticule), so stores show even with no tile server reachable.
// No marker images: circle markers and div icons only.
import L from 'leaflet';
import 'leaflet/dist/leaflet.css';

export const DEFAULT_TILES = 'https://tile.openstreetmap.org/{z}/{x}/{y}.png';
const TILES_KEY = 'boucle.tiles';

export function getTileUrl(): string {
  try {
    const v = localStorage.getItem(TILES_KEY);
    return v === null ? DEFAULT_TILES : v;
  } catch {
    return DEFAULT_TILES;
  }
}

/** An empty string disables the tile layer (offline base layer only). */
export function setTileUrl(url: string): void {
  try { localStorage.setItem(TILES_KEY, url.trim()); } catch { /* ignore */ }
}

/** A neutral background drawn locally: land colour, graticule every 1° / 0.1° / 0.01°. */
const OfflineLayer = L.GridLayer.extend({
  createTile(coords: L.Coords) {
    const tile = document.createElement('canvas');
    const size = (this as L.GridLayer).getTileSize();
    tile.width = size.x;
    tile.height = size.y;
    const ctx = tile.getContext('2d');
    if (!ctx) return tile;
    ctx.fillStyle = '#f3f1ea';
    ctx.fillRect(0, 0, size.x, size.y);
    const map = (this as any)._map as L.Map;
    const nw = map.unproject([coords.x * size.x, coords.y * size.y], coords.z);
    const se = map.unproject([(coords.x + 1) * size.x, (coords.y + 1) * size.y], coords.z);
    const span = Math.abs(se.lng - nw.lng);
    const step = span > 4 ? 5 : span > 0.8 ? 1 : span > 0.08 ? 0.1 : 0.01;
    ctx.strokeStyle = '#dcd8cc';
    ctx.lineWidth = 1;
    const toPx = (lat: number, lng: number) => {
      const p = map.project([lat, lng], coords.z);
      return { x: p.x - coords.x * size.x, y: p.y - coords.y * size.y };
    };
    for (let lng = Math.floor(nw.lng / step) * step; lng <= se.lng; lng += step) {
      const x = toPx(nw.lat, lng).x;
      ctx.beginPath(); ctx.moveTo(x + 0.5, 0); ctx.lineTo(x + 0.5, size.y); ctx.stroke();
    }
    for (let lat = Math.floor(se.lat / step) * step; lat <= nw.lat; lat += step) {
      const y = toPx(lat, nw.lng).y;
      ctx.beginPath(); ctx.moveTo(0, y + 0.5); ctx.lineTo(size.x, y + 0.5); ctx.stroke();
    }
    return tile;
  },
});

export function createMap(el: HTMLElement): L.Map {
  const map = L.map(el, { zoomControl: true, attributionControl: true, preferCanvas: true });
  new (OfflineLayer as any)({ zIndex: 0, attribution: '' }).addTo(map);
  const url = getTileUrl();
  if (url) {
    L.tileLayer(url, {
      zIndex: 1,
      maxZoom: 19,
      crossOrigin: true,
      attribution: url.includes('openstreetmap') ? '© OpenStreetMap' : '',
    }).addTo(map);
  }
  map.setView([46.6, 2.4], 5);
  return map;
}

export type MarkerStatus = 'todo' | 'done' | 'pending' | 'late' | 'current' | 'other';

export const STATUS_COLOURS: Record<MarkerStatus, string> = {
  todo: '#1f6feb',
  done: '#2da44e',
  pending: '#bf8700',
  late: '#cf222e',
  current: '#8250df',
  other: '#6e7781',
};

export interface StoreLike { id?: number | string; lat: number; lon: number; name?: string }

export function storeMarker(
  store: StoreLike,
  opts: { status?: MarkerStatus; colour?: string; label?: string | number; title?: string; onClick?: () => void } = {},
): L.Layer {
  const colour = opts.colour ?? STATUS_COLOURS[opts.status ?? 'todo'];
  let layer: L.Marker | L.CircleMarker;
  if (opts.label !== undefined) {
    layer = L.marker([store.lat, store.lon], {
      icon: L.divIcon({
        className: 'map-num',
        html: `<span style="background:${colour}">${String(opts.label).replace(/[<>&"]/g, '')}</span>`,
        iconSize: [28, 28],
        iconAnchor: [14, 14],
      }),
      title: opts.title ?? store.name ?? '',
      keyboard: true,
    });
  } else {
    layer = L.circleMarker([store.lat, store.lon], { radius: 7, color: '#fff', weight: 2, fillColor: colour, fillOpacity: 0.95 });
    if (opts.title ?? store.name) layer.bindTooltip(opts.title ?? store.name ?? '');
  }
  if (opts.onClick) layer.on('click', opts.onClick);
  return layer;
}

type Pt = [number, number] | { lat: number; lon: number };
const toLatLng = (p: Pt): L.LatLngTuple => (Array.isArray(p) ? p : [p.lat, p.lon]);

export function fitTo(map: L.Map, points: Pt[], maxZoom = 14): void {
  const valid = points.map(toLatLng).filter(([a, b]) => Number.isFinite(a) && Number.isFinite(b));
  if (valid.length === 0) return;
  if (valid.length === 1) map.setView(valid[0], maxZoom);
  else map.fitBounds(L.latLngBounds(valid), { padding: [24, 24], maxZoom });
}

export function drawRoute(map: L.Map, points: Pt[], colour = '#1f6feb'): L.Polyline {
  return L.polyline(points.map(toLatLng), { color: colour, weight: 3, opacity: 0.7, dashArray: '6 6' }).addTo(map);
}
