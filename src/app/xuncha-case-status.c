/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "xuncha"

#include "config.h"

#include <glib/gi18n.h>

#include "xuncha-case-status.h"

const char *
xuncha_case_status_describe (const char  *status,
                             const char **style)
{
  static const struct
  {
    const char *office;
    const char *label;
    const char *style;
  } states[] = {
    { "上报", N_("Reported"), "case-open" },
    { "待立案", N_("Up for filing"), "case-open" },
    { "受理", N_("Accepted"), "case-open" },
    { "立案", N_("Filed"), "case-open" },
    { "不予立案", N_("Not filed"), "case-closed" },
    { "作废", N_("Void"), "case-closed" },
    { "派遣", N_("Dispatched"), "case-open" },
    { "处置", N_("Being handled"), "case-open" },
    { "待核查", N_("Awaiting check"), "case-open" },
    { "核查", N_("Checked"), "case-open" },
    { "待结案", N_("Checked, to be closed"), "case-open" },
    { "结案", N_("Closed"), "case-closed" },
    { "退回", N_("Returned"), "case-returned" },
    { "退回整改", N_("Returned for rework"), "case-returned" },
    { "延期", N_("Deadline extended"), "case-open" },
    { "挂账", N_("Parked"), "case-open" },
    { "督办", N_("Under supervision"), "case-returned" },
  };

  g_return_val_if_fail (status != NULL, NULL);
  g_return_val_if_fail (style != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (states); i++)
    if (g_str_equal (status, states[i].office))
      {
        *style = states[i].style;
        return _(states[i].label);
      }
  *style = "case-open";
  return status;
}
