/** Loading data from the api in components: once, or polled on an interval. */
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';

/** What a load gives a component. */
export interface Loaded<T> {
  data: T | undefined;
  error: Error | undefined;
  loading: boolean;
  reload: () => Promise<void>;
}

/**
 * Calls `load` when `deps` change and, with `intervalMs`, again on that interval (each call
 * after the previous one ended). Keeps the last data while reloading, so polling never blinks.
 */
export function useApi<T>(load: () => Promise<T>, deps: unknown[], intervalMs?: number): Loaded<T> {
  const [data, setData] = useState<T | undefined>(undefined);
  const [error, setError] = useState<Error | undefined>(undefined);
  const [loading, setLoading] = useState(true);
  const loadRef = useRef(load);
  loadRef.current = load;
  const generation = useRef(0);

  const reload = useCallback(async () => {
    const mine = generation.current;
    try {
      const value = await loadRef.current();
      if (mine !== generation.current) return;
      setData(value);
      setError(undefined);
    } catch (e) {
      if (mine !== generation.current) return;
      setError(e as Error);
    } finally {
      if (mine === generation.current) setLoading(false);
    }
  }, []);

  useEffect(() => {
    generation.current++;
    setData(undefined);
    setError(undefined);
    setLoading(true);
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const tick = async () => {
      await reload();
      if (!stopped && intervalMs) timer = setTimeout(() => void tick(), intervalMs);
    };
    void tick();
    return () => {
      stopped = true;
      if (timer) clearTimeout(timer);
    };
  }, deps);

  return { data, error, loading, reload };
}
