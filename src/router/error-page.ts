import { routerCodes, type RouterCode } from '../core/router-codes.js';

const escape = (text: string) => text.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);

const TEXT: Record<RouterCode, string> = {
  H10: 'The application crashed. If you own it, check its logs with berth logs --tail.',
  H12: 'The application did not answer in time.',
  H13: 'The application closed the connection without answering.',
  H14: 'The application has no web dynos running. If you own it, scale it with berth ps:scale web=1.',
  H15: 'The connection was idle for too long.',
  H18: 'The application reset the connection while the request was being sent.',
  H20: 'The application did not finish booting in time.',
  H80: 'This application is down for maintenance. Please check back soon.',
  H99: 'A platform error occurred. This is not your fault; the operators have been told.',
};

export function errorPage(code: RouterCode): string {
  const title = code === 'H80' ? 'Offline for Maintenance' : 'Application Error';
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>${title}</title></head>` +
    `<body><h1>${title}</h1><p>${escape(TEXT[code])}</p><p><small>${code}: ${escape(routerCodes[code].desc)}</small></p></body></html>\n`;
}

export function noSuchAppPage(): string {
  return '<!DOCTYPE html><html><head><meta charset="utf-8"><title>No such app</title></head>' +
    '<body><h1>No such app</h1><p>There is no app configured at that hostname.</p></body></html>\n';
}
