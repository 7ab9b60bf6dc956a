import type { Command } from '../command.js';
import { accountsCreate } from './accounts-create.js';
import { accountsQuota } from './accounts-quota.js';
import { adminBackup } from './admin-backup.js';
import { adminDisk } from './admin-disk.js';
import { adminRestore } from './admin-restore.js';
import { addons } from './addons.js';
import { addonsAttach } from './addons-attach.js';
import { addonsCreate } from './addons-create.js';
import { addonsDestroy } from './addons-destroy.js';
import { addonsDetach } from './addons-detach.js';
import { addonsInfo } from './addons-info.js';
import { addonsPlans } from './addons-plans.js';
import { addonsServices } from './addons-services.js';
import { addonsUpgrade } from './addons-upgrade.js';
import { addonsProviders } from './addons-providers.js';
import { addonsProvidersAdd } from './addons-providers-add.js';
import { addonsProvidersRemove } from './addons-providers-remove.js';
import { addonsProvidersUpdate } from './addons-providers-update.js';
import { apps } from './apps.js';
import { appsCreate } from './apps-create.js';
import { appsDestroy } from './apps-destroy.js';
import { appsInfo } from './apps-info.js';
import { appsRename } from './apps-rename.js';
import { authToken } from './auth-token.js';
import { autocomplete } from './autocomplete.js';
import { authWhoami } from './auth-whoami.js';
import { buildpacks } from './buildpacks.js';
import { buildpacksAdd } from './buildpacks-add.js';
import { buildpacksClear } from './buildpacks-clear.js';
import { buildpacksRemove } from './buildpacks-remove.js';
import { buildpacksSet } from './buildpacks-set.js';
import { builds } from './builds.js';
import { buildsCancel } from './builds-cancel.js';
import { buildsInfo } from './builds-info.js';
import { config } from './config.js';
import { configGet } from './config-get.js';
import { configPull } from './config-pull.js';
import { configPush } from './config-push.js';
import { configSet } from './config-set.js';
import { configUnset } from './config-unset.js';
import { deploy } from './deploy.js';
import { doctor } from './doctor.js';
import { serviceInstall } from './service-install.js';
import { serviceStatus } from './service-status.js';
import { serviceUninstall } from './service-uninstall.js';
import { setup } from './setup.js';
import { reviewapps } from './reviewapps.js';
import { reviewappsEnable } from './reviewapps-enable.js';
import { reviewappsDisable } from './reviewapps-disable.js';
import { drains } from './drains.js';
import { drainsAdd } from './drains-add.js';
import { drainsRemove } from './drains-remove.js';
import { access } from './access.js';
import { accessUpdate } from './access-update.js';
import { teams } from './teams.js';
import { adminSettings } from './admin-settings.js';
import { signup } from './signup.js';
import { teamsCreate } from './teams-create.js';
import { teamsJoin } from './teams-join.js';
import { members } from './members.js';
import { membersAdd } from './members-add.js';
import { appsTransfer } from './apps-transfer.js';
import { appsTransfers } from './apps-transfers.js';
import { appsTransfersAccept } from './apps-transfers-accept.js';
import { appsTransfersDecline } from './apps-transfers-decline.js';
import { accessAdd } from './access-add.js';
import { accessRemove } from './access-remove.js';
import { pipelines } from './pipelines.js';
import { pipelinesCreate } from './pipelines-create.js';
import { pipelinesAdd } from './pipelines-add.js';
import { pipelinesRemove } from './pipelines-remove.js';
import { pipelinesInfo } from './pipelines-info.js';
import { pipelinesPromote } from './pipelines-promote.js';
import { pipelinesDiff } from './pipelines-diff.js';
import { pipelinesUpdate } from './pipelines-update.js';
import { pipelinesRename } from './pipelines-rename.js';
import { pipelinesDestroy } from './pipelines-destroy.js';
import { webhooks } from './webhooks.js';
import { webhooksAdd } from './webhooks-add.js';
import { webhooksInfo } from './webhooks-info.js';
import { webhooksUpdate } from './webhooks-update.js';
import { webhooksRemove } from './webhooks-remove.js';
import { webhooksDeliveries } from './webhooks-deliveries.js';
import { webhooksDeliveriesInfo } from './webhooks-deliveries-info.js';
import { webhooksEvents } from './webhooks-events.js';
import { domains } from './domains.js';
import { keys } from './keys.js';
import { keysAdd } from './keys-add.js';
import { keysRemove } from './keys-remove.js';
import { domainsAdd } from './domains-add.js';
import { domainsRemove } from './domains-remove.js';
import { certs } from './certs.js';
import { certsAdd } from './certs-add.js';
import { certsRemove } from './certs-remove.js';
import { gitCredentials } from './git-credentials.js';
import { gitRemote } from './git-remote.js';
import { herokuEnv } from './heroku-env.js';
import { login } from './login.js';
import { local } from './local.js';
import { logout } from './logout.js';
import { open } from './open.js';
import { certsAuto } from './certs-auto.js';
import { certsAutoDisable } from './certs-auto-disable.js';
import { certsAutoEnable } from './certs-auto-enable.js';
import { certsAutoRefresh } from './certs-auto-refresh.js';
import { features } from './features.js';
import { featuresDisable } from './features-disable.js';
import { featuresEnable } from './features-enable.js';
import { labs } from './labs.js';
import { labsDisable } from './labs-disable.js';
import { labsEnable } from './labs-enable.js';
import { labsInfo } from './labs-info.js';
import { logs } from './logs.js';
import { maintenance } from './maintenance.js';
import { metrics } from './metrics.js';
import { maintenanceOff } from './maintenance-off.js';
import { maintenanceOn } from './maintenance-on.js';
import { stack } from './stack.js';
import { stackSet } from './stack-set.js';
import { stacks } from './stacks.js';
import { stacksUpdate } from './stacks-update.js';
import { pgInfo } from './pg-info.js';
import { pgPsql } from './pg-psql.js';
import { pgCredentialsRotate } from './pg-credentials-rotate.js';
import { pgReset } from './pg-reset.js';
import { pgBackups } from './pg-backups.js';
import { pgBackupsCapture } from './pg-backups-capture.js';
import { pgBackupsRestore } from './pg-backups-restore.js';
import { pgBackupsInfo } from './pg-backups-info.js';
import { pgBackupsDownload } from './pg-backups-download.js';
import { pgBackupsDelete } from './pg-backups-delete.js';
import { pgBackupsSchedule } from './pg-backups-schedule.js';
import { pgBackupsUnschedule } from './pg-backups-unschedule.js';
import { pgBackupsSchedules } from './pg-backups-schedules.js';
import { pgCopy } from './pg-copy.js';
import { redisInfo } from './redis-info.js';
import { redisCli } from './redis-cli.js';
import { redisMaxmemory } from './redis-maxmemory.js';
import { ps } from './ps.js';
import { psAutoidle } from './ps-autoidle.js';
import { psRestart } from './ps-restart.js';
import { psScale } from './ps-scale.js';
import { psStop } from './ps-stop.js';
import { psType } from './ps-type.js';
import { releases } from './releases.js';
import { releasesInfo } from './releases-info.js';
import { releasesRollback } from './releases-rollback.js';
import { run } from './run.js';
import { runDetached } from './run-detached.js';
import { scheduler } from './scheduler.js';
import { schedulerAdd } from './scheduler-add.js';
import { schedulerRemove } from './scheduler-remove.js';
import { schedulerRun } from './scheduler-run.js';
import { test } from './test.js';
import { up } from './up.js';

/** Every `berth` command, in the order `berth help` lists them. */
export const COMMANDS: readonly Command[] = [
  login,
  logout,
  authWhoami,
  authToken,
  apps,
  appsCreate,
  appsInfo,
  open,
  appsRename,
  appsDestroy,
  appsTransfer,
  appsTransfers,
  appsTransfersAccept,
  appsTransfersDecline,
  gitCredentials,
  gitRemote,
  herokuEnv,
  deploy,
  setup,
  reviewapps,
  reviewappsEnable,
  reviewappsDisable,
  local,
  builds,
  buildsInfo,
  buildsCancel,
  buildpacks,
  buildpacksSet,
  buildpacksAdd,
  buildpacksRemove,
  buildpacksClear,
  releases,
  releasesInfo,
  releasesRollback,
  config,
  configGet,
  configSet,
  configUnset,
  configPull,
  configPush,
  addons,
  addonsCreate,
  addonsInfo,
  addonsAttach,
  addonsDetach,
  addonsUpgrade,
  addonsDestroy,
  addonsPlans,
  addonsServices,
  addonsProviders,
  addonsProvidersAdd,
  addonsProvidersUpdate,
  addonsProvidersRemove,
  ps,
  psScale,
  psType,
  psRestart,
  psStop,
  psAutoidle,
  run,
  runDetached,
  scheduler,
  schedulerAdd,
  schedulerRemove,
  schedulerRun,
  logs,
  drains,
  drainsAdd,
  drainsRemove,
  access,
  accessAdd,
  accessRemove,
  accessUpdate,
  teams,
  teamsCreate,
  teamsJoin,
  members,
  membersAdd,
  pipelines,
  pipelinesCreate,
  pipelinesAdd,
  pipelinesRemove,
  pipelinesInfo,
  pipelinesPromote,
  pipelinesDiff,
  pipelinesUpdate,
  pipelinesRename,
  pipelinesDestroy,
  webhooks,
  webhooksAdd,
  webhooksInfo,
  webhooksUpdate,
  webhooksRemove,
  webhooksDeliveries,
  webhooksDeliveriesInfo,
  webhooksEvents,
  domains,
  domainsAdd,
  domainsRemove,
  certs,
  certsAdd,
  certsRemove,
  labs,
  certsAuto,
  certsAutoEnable,
  certsAutoDisable,
  certsAutoRefresh,
  features,
  featuresEnable,
  featuresDisable,
  labsInfo,
  labsEnable,
  labsDisable,
  maintenance,
  maintenanceOn,
  maintenanceOff,
  metrics,
  stack,
  stackSet,
  stacks,
  stacksUpdate,
  pgInfo,
  pgPsql,
  pgCredentialsRotate,
  pgReset,
  pgBackups,
  pgBackupsCapture,
  pgBackupsRestore,
  pgBackupsInfo,
  pgBackupsDownload,
  pgBackupsDelete,
  pgBackupsSchedule,
  pgBackupsUnschedule,
  pgBackupsSchedules,
  pgCopy,
  redisInfo,
  redisCli,
  redisMaxmemory,
  keys,
  keysAdd,
  keysRemove,
  accountsCreate,
  accountsQuota,
  adminDisk,
  adminBackup,
  adminRestore,
  adminSettings,
  signup,
  autocomplete,
  doctor,
  serviceInstall,
  serviceStatus,
  serviceUninstall,
  up,
  test,
];
