/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-office-storage-error.h"

G_DEFINE_QUARK (xuncha-office-storage-error-quark, xuncha_office_storage_error)
