/** This machine's own addresses: `localhost`, `::1` and 127.0.0.0/8, from a URL's hostname (IPv6 brackets and case ignored). */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, "").toLowerCase();
  return host === "localhost" || host === "::1" || /^127(\.\d{1,3}){3}$/.test(host);
}
