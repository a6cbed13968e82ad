/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-core.h"
#include "xuncha-fault-proxy.h"
#include "xuncha-test-office.h"

G_BEGIN_DECLS

/* The sync tests' set-up: an office on loopback over HTTPS and a device enrolled with it
 * as officer A001 of team T1, the device's sync going straight to the office or through a
 * fault proxy. */
typedef struct
{
  XunchaTestCerts  *certs;
  char             *office_dir;
  char             *device_dir;
  char             *other_dir;     /* a second officer's device, B001 of the same team */
  XunchaTestOffice *office;
  XunchaStore      *store;         /* the device's */
  XunchaFaultProxy *proxy;
} XunchaTestSyncEnv;

/* NULL (the test skipped, with the reason) without openssl. */
XunchaTestSyncEnv *xuncha_test_sync_env_new        (void);
void               xuncha_test_sync_env_free       (XunchaTestSyncEnv *env);
/* Enrolls a second officer's device, B001 of T1, in @env->other_dir. */
void               xuncha_test_sync_env_add_other  (XunchaTestSyncEnv *env);
/* Puts a fault proxy between the device and the office. */
void               xuncha_test_sync_env_use_proxy  (XunchaTestSyncEnv *env);

/* A sync of @device_dir under the real policy on a shorter clock: tries again after 20 ms
 * up to 2 s, at most @max_attempts times. */
XunchaSync        *xuncha_test_fast_sync           (const char        *device_dir,
                                                    guint              max_attempts);
/* Runs one sync of the device (at most 40 tries) during which the office is killed once
 * @after items were sent and started again 300 ms later; returns when the office is up
 * again, with the sync's result. */
XunchaSyncResult  *xuncha_test_sync_env_sync_through_restart (XunchaTestSyncEnv *env,
                                                              guint              after);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (XunchaTestSyncEnv, xuncha_test_sync_env_free)

G_END_DECLS
