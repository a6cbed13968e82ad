/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-backup-error.h"

G_DEFINE_QUARK (xuncha-office-backup-error-quark, xuncha_office_backup_error)
