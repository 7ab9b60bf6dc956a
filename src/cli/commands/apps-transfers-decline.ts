import { transferAnswer } from '../transfer-answer.js';

export const appsTransfersDecline = transferAnswer('declined');
