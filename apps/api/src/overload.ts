/**
 * Counts requests answered 503 for overload and writes the count as one CloudWatch embedded-metric
 * line per second at most (`@drop/shared/metrics`), which the compute stack's alarm watches.
 */
import { overloadMetricLine } from '@drop/shared/metrics';

export function overloadCounter(environment: string, write: (line: string) => void, flushMs = 1000): () => void {
  let count = 0;
  let timer: NodeJS.Timeout | undefined;
  return () => {
    count++;
    timer ??= setTimeout(() => {
      write(overloadMetricLine(environment, count, Date.now()));
      count = 0;
      timer = undefined;
    }, flushMs).unref();
  };
}
