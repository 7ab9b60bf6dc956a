import { transferAnswer } from '../transfer-answer.js';

export const appsTransfersAccept = transferAnswer('accepted');
