import { useEffect, useRef } from 'preact/hooks';
import type L from 'leaflet';
import { createMap, drawRoute, fitTo, storeMarker, type MarkerStatus } from './map';

export interface MapPoint { lat: number; lon: number; label?: number | string; status?: MarkerStatus; title?: string; onClick?: () => void }

/** A map of points, optionally numbered and joined by a route line. */
export function StopsMap({ points, route = false, height = 260, home }: { points: MapPoint[]; route?: boolean; height?: number; home?: { lat: number; lon: number } | null }) {
  const host = useRef<HTMLDivElement>(null);
  const map = useRef<L.Map | null>(null);
  const layers = useRef<L.Layer[]>([]);
  useEffect(() => {
    if (!host.current) return;
    map.current = createMap(host.current);
    return () => { map.current?.remove(); map.current = null; };
  }, []);
  useEffect(() => {
    const m = map.current;
    if (!m) return;
    layers.current.forEach((l) => l.remove());
    layers.current = [];
    const valid = points.filter((p) => Number.isFinite(p.lat) && Number.isFinite(p.lon));
    if (route && valid.length > 1) {
      const line = home ? [home, ...valid, home] : valid;
      layers.current.push(drawRoute(m, line));
    }
    for (const p of valid) {
      const layer = storeMarker({ lat: p.lat, lon: p.lon, name: p.title }, { status: p.status, label: p.label, title: p.title, onClick: p.onClick });
      layer.addTo(m);
      layers.current.push(layer);
    }
    fitTo(m, valid);
    setTimeout(() => m.invalidateSize(), 0);
  }, [points, route, home]);
  return <div class="map" style={{ height: `${height}px` }} ref={host} data-testid="map" />;
}
