// Names for the generated schemas the pages use, so a page imports `Agent` rather than a path into components.
import type { components as Api } from './generated/api';
import type { components as Agents } from './generated/agents';
import type { components as Tools } from './generated/tools';
import type { components as Tasks } from './generated/tasks';
import type { components as Logging } from './generated/logging';

export type Me = Api['schemas']['Me'];
export type SystemStatus = Api['schemas']['SystemStatus'];
export type DependencyStatus = Api['schemas']['DependencyStatus'];
export type TaskView = Tasks['schemas']['TaskView'];
export type TaskSummary = Tasks['schemas']['TaskSummary'];
export type StepView = Tasks['schemas']['StepView'];
export type RegisterAgentRequest = Api['schemas']['RegisterAgentRequest'];
export type RegisterAgentResponse = Api['schemas']['RegisterAgentResponse'];
export type UpdateAgentRequest = Api['schemas']['UpdateAgentRequest'];
export type Agent = Agents['schemas']['AgentResponse'];
export type AgentStatus = Agents['schemas']['AgentStatus'];
export type Tool = Tools['schemas']['ToolResponse'];
export type CreateToolRequest = Tools['schemas']['CreateToolRequest'];
export type ToolSource = Tools['schemas']['ToolSourceResponse'];
export type SyncResult = Tools['schemas']['SyncResult'];
export type ExecutionEvent = Logging['schemas']['ExecutionEvent'];

/**
 * The problem body. The documents describe ASP.NET's HttpValidationProblemDetails, which lacks the `code`
 * extension every problem here carries (reported to the API owners), so it is added here.
 */
export type Problem = Api['schemas']['HttpValidationProblemDetails'] & { code?: string | null; traceId?: string | null };

