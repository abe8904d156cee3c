// A Leaflet map owned by a Preact component: the shell's base map, one layer group the view
// redraws whenever its data changes.
import L from 'leaflet';
import { useEffect, useRef } from 'preact/hooks';
import { createMap } from '../ui/map';

export type Draw = (layer: L.LayerGroup, map: L.Map) => L.LatLngExpression[] | void;

export function MapView({
  draw,
  deps,
  height = 420,
  fit = true,
  testid,
}: {
  draw: Draw;
  deps: unknown[];
  height?: number;
  fit?: boolean;
  testid?: string;
}) {
  const el = useRef<HTMLDivElement>(null);
  const mapRef = useRef<L.Map | null>(null);
  const layerRef = useRef<L.LayerGroup | null>(null);
  const fitted = useRef(false);

  useEffect(() => {
    if (!el.current) return;
    const map = createMap(el.current);
    mapRef.current = map;
    layerRef.current = L.layerGroup().addTo(map);
    const ro = typeof ResizeObserver !== 'undefined' ? new ResizeObserver(() => map.invalidateSize()) : null;
    ro?.observe(el.current);
    return () => {
      ro?.disconnect();
      map.remove();
      mapRef.current = null;
      layerRef.current = null;
    };
  }, []);

  useEffect(() => {
    const map = mapRef.current;
    const layer = layerRef.current;
    if (!map || !layer) return;
    layer.clearLayers();
    const points = draw(layer, map);
    if (fit && points && points.length > 0) {
      const bounds = L.latLngBounds(points);
      if (bounds.isValid()) {
        map.fitBounds(bounds, { padding: [24, 24], maxZoom: 13, animate: fitted.current });
        fitted.current = true;
      }
    }
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, deps);

  return <div ref={el} class="mgr-map" style={{ height: `min(${height}px, 62vh)` }} data-testid={testid} />;
}

export function validPoint(lat: unknown, lon: unknown): lat is number {
  return typeof lat === 'number' && typeof lon === 'number' && Number.isFinite(lat) && Number.isFinite(lon);
}

export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!);
}
