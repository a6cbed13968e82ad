/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "xuncha-evidence-key.h"
#include "xuncha-store.h"

G_BEGIN_DECLS

#define XUNCHA_TEST_SIGNING_SERVER  "https://office.test:8443"
#define XUNCHA_TEST_SIGNING_OFFICER "A001"

/* Makes the store in @dir hold a signing key of @algorithm as an enrollment would leave
 * it (the key in the data folder's file, the enrollment's meta), without an office.
 * Returns the key (with its private half). */
XunchaEvidenceKey *xuncha_test_give_signing_key (const char *dir,
                                                 const char *algorithm);

/* Checks every manifest in the store: signature, the device's chain without a gap, each
 * report's chain, and that each describes its report's rows as they are when it is the
 * latest. Every report saved under the key's officer has one, every manifest a report.
 * Returns the number of manifests. Aborts the test on a failure. */
guint              xuncha_test_check_manifests  (XunchaStore *store);

G_END_DECLS
