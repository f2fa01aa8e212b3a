// autocannon ships no types; the part the benchmarks use (https://github.com/mcollina/autocannon#api).
declare module 'autocannon' {
  type Histogram = { average: number; p99: number; max: number };
  export type Result = {
    requests: Histogram;
    latency: Histogram;
    non2xx: number;
    errors: number;
    timeouts: number;
  };
  export default function autocannon(options: {
    url: string;
    connections?: number;
    duration?: number;
    pipelining?: number;
    headers?: Record<string, string>;
  }): Promise<Result>;
}
