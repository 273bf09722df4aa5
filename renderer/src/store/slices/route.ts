import { formatHash, sameRoute, type Route } from '../router';
import type { Deps, Slice } from '../types';

export interface RouteSlice {
  route: Route;
  navigate(route: Route): void;
  /** The hash changed outside the store (back button, typed URL). */
  routeChanged(route: Route): void;
}

export const routeSlice =
  (deps: Deps): Slice<RouteSlice> =>
  (set, get) => ({
    route: { name: 'catalog' },
    navigate(route) {
      if (sameRoute(route, get().route)) return;
      set({ route });
      deps.onNavigate?.(formatHash(route));
    },
    routeChanged(route) {
      if (!sameRoute(route, get().route)) set({ route });
    },
  });
