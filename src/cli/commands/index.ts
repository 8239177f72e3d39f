import type { Command } from '../command.js';
import { analyzeCommand } from './analyze.js';
import { apiCommand } from './api.js';
import { chatCommand } from './chat.js';
import { modelsCommand } from './models-pull.js';
import { synthCommand } from './synth.js';
import { evalCommand } from './eval.js';
import { gatewayCommand } from './gateway.js';
import { registerCommandsCommand } from './register-commands.js';
import { startCommand } from './start.js';
import { workerCommand } from './worker.js';

/** Every subcommand, in the order `feelbot help` lists them. */
export const COMMANDS: readonly Command[] = [startCommand, gatewayCommand, workerCommand, apiCommand, analyzeCommand, evalCommand, registerCommandsCommand, chatCommand, synthCommand, modelsCommand];
