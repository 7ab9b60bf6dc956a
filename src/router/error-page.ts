import { routerCodes, type RouterCode } from '../core/router-codes.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const TEXT: Record<RouterCode, string> = {
  H10: 'The application crashed. If you own it, check its logs with berth logs --tail.',
  H11: 'The application is receiving more requests than it can handle right now.',
  H12: 'The application did not answer in time.',
  H13: 'The application closed the connection without answering.',
  H14: 'The application has no web dynos running. If you own it, scale it with berth ps:scale web=1.',
  H15: 'The connection was idle for too long.',
  H17: 'The application sent a response that is not valid HTTP.',
  H18: 'The application closed the connection while the request was being sent.',
  H19: 'The application could not be reached in time.',
  H20: 'The application did not finish booting in time.',
  H21: 'The application refused the connection.',
  H25: 'The request is larger than the router accepts.',
  H26: 'The request is not valid HTTP.',
  H27: 'The client closed the connection.',
  H28: 'The request was not sent in time.',
  H80: 'This application is down for maintenance. Please check back soon.',
  H99: 'A platform error occurred. This is not your fault; the operators have been told.',
};

/** The built-in page for a router code (used when the app has no custom ERROR_PAGE_URL). */
export function errorPage(code: RouterCode, detail?: string): string {
  const title = code === 'H80' ? 'Offline for Maintenance' : routerCodes[code].owner === 'client' ? 'Bad Request' : 'Application Error';
  const more = detail ? `<p>${escape(detail)}.</p>` : '';
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
    `<body><h1>${title}</h1><p>${escape(TEXT[code])}</p>${more}<p><small>${code}: ${escape(routerCodes[code].desc)}</small></p></body></html>\n`;
}

/** The page for a Host no app answers; it never names apps. */
export function noSuchAppPage(): string {
  return '<!DOCTYPE html><html><head><meta charset="utf-8"><title>No such app</title></head>' +
    '<body><h1>No such app</h1><p>There is no app configured at that hostname.</p></body></html>\n';
}

const REASONS: Record<number, string> = {
  400: 'Bad Request', 404: 'Not Found', 408: 'Request Timeout', 417: 'Expectation Failed', 431: 'Request Header Fields Too Large',
  499: 'Client Closed Request', 503: 'Service Unavailable',
};

/** A complete response from the router itself (error pages), as one latin1 string ready to write. */
export function routerResponse(status: number, body: string | Buffer, close: boolean, via: string, contentType = 'text/html; charset=utf-8'): string {
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  return `HTTP/1.1 ${status} ${REASONS[status] ?? 'Error'}\r\nContent-Type: ${contentType.replace(/[\r\n]/g, '')}\r\nContent-Length: ${bytes.length}\r\n` +
    `Cache-Control: no-cache, no-store\r\nVia: ${via}\r\n${close ? 'Connection: close\r\n' : ''}\r\n${bytes.toString('latin1')}`;
}
