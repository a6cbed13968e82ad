/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "config.h"

#include "xuncha-core.h"
#include "xuncha-store-private.h"
#include "xuncha-test-util.h"

static void
test_bundled_codes_unique (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaTaxonomy) taxonomy = xuncha_taxonomy_new_bundled (&error);
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GListModel *categories;
  guint n;

  g_assert_no_error (error);
  categories = xuncha_taxonomy_get_categories (taxonomy);
  n = g_list_model_get_n_items (categories);
  g_assert_cmpuint (n, ==, 28);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XunchaCategory) c = g_list_model_get_item (categories, i);
      const char *code = xuncha_category_get_code (c);

      g_assert_true (g_hash_table_add (seen, (gpointer)code));
      g_assert_nonnull (xuncha_taxonomy_get_campaign_name (taxonomy,
                                                           xuncha_category_get_campaign (c)));
      /* Public codes are 5 digits; local placeholders are 9xx or INT-. */
      if (xuncha_category_get_is_local (c))
        g_assert_true (g_str_has_prefix (code, "INT-") || code[2] == '9');
      else
        g_assert_true (strlen (code) == 5 && g_ascii_isdigit (code[0]));
    }

  /* Small ads carry the carrier and the phone number printed on them. */
  {
    XunchaCategory *ads = xuncha_taxonomy_lookup (taxonomy, "07001");
    g_assert_nonnull (ads);
    g_assert_cmpstr (xuncha_category_get_legacy_code (ads), ==, "0201");
    g_assert_nonnull (strstr (xuncha_category_get_fields_json (ads), "\"carrier\""));
    g_assert_nonnull (strstr (xuncha_category_get_fields_json (ads), "\"phone\""));
  }
  g_assert_true (xuncha_category_get_internal (xuncha_taxonomy_lookup (taxonomy, "INT-01")));
}

static void
test_loaded_into_store (void)
{
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  g_autoptr(XunchaTaxonomy) bundled = xuncha_taxonomy_new_bundled (NULL);
  g_autoptr(XunchaTaxonomy) stored = NULL;
  guint n;

  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  stored = xuncha_taxonomy_new_from_store (store, &error);
  g_assert_no_error (error);
  n = g_list_model_get_n_items (xuncha_taxonomy_get_categories (bundled));
  g_assert_cmpuint (g_list_model_get_n_items (xuncha_taxonomy_get_categories (stored)), ==, n);
  g_assert_cmpint (xuncha_taxonomy_get_revision (stored), ==,
                   xuncha_taxonomy_get_revision (bundled));

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(XunchaCategory) a = g_list_model_get_item (xuncha_taxonomy_get_categories (bundled), i);
      g_autoptr(XunchaCategory) b = g_list_model_get_item (xuncha_taxonomy_get_categories (stored), i);

      g_assert_cmpstr (xuncha_category_get_code (a), ==, xuncha_category_get_code (b));
      g_assert_cmpstr (xuncha_category_get_name_zh (a), ==, xuncha_category_get_name_zh (b));
      g_assert_cmpstr (xuncha_category_get_fields_json (a), ==,
                       xuncha_category_get_fields_json (b));
      g_assert_cmpstr (xuncha_category_get_pinyin (a), ==, xuncha_category_get_pinyin (b));
      g_assert_true (g_strv_equal (xuncha_category_get_campaigns (a),
                                   xuncha_category_get_campaigns (b)));
    }
  g_assert_true (g_strv_equal (xuncha_taxonomy_get_priority (stored),
                               xuncha_taxonomy_get_priority (bundled)));
  xuncha_test_remove_tree (dir);
}

static void
test_invalid_refused (gconstpointer data)
{
  const char *json = data;
  g_autoptr(GBytes) bytes = g_bytes_new_static (json, strlen (json));
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaTaxonomy) taxonomy = xuncha_taxonomy_new_from_bytes (bytes, &error);

  g_assert_null (taxonomy);
  g_assert_nonnull (error);
  g_assert_true (g_str_has_prefix (error->message, "Invalid category list"));
}

/* json-glib recursed once per nesting level (a deep document from the office crashed the
 * device's sync) and kept the last of two members with one name. */
static void
test_deep_and_twice_refused (void)
{
  static const char twice[] =
    "{\"revision\":1,\"campaigns\":[{\"id\":\"a\",\"zh\":\"甲\",\"en\":\"A\"}],"
    "\"categories\":[{\"code\":\"1\",\"zh\":\"z\",\"en\":\"e\",\"campaigns\":[\"a\"],"
    "\"code\":\"2\"}]}";
  GString *deep = g_string_new ("{\"revision\": 1, \"campaigns\": ");

  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, '[');
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (deep, ']');
  g_string_append_c (deep, '}');

  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(GBytes) bytes = i == 0 ? g_string_free_to_bytes (deep)
                                       : g_bytes_new_static (twice, strlen (twice));
      g_autoptr(GError) error = NULL;
      g_autoptr(XunchaTaxonomy) taxonomy = xuncha_taxonomy_new_from_bytes (bytes, &error);

      g_assert_null (taxonomy);
      g_assert_error (error, XUNCHA_TAXONOMY_ERROR, XUNCHA_TAXONOMY_ERROR_INVALID);
      g_assert_cmpstr (error->message, ==,
                       i == 0 ? "Invalid category list: nested deeper than 64 levels"
                              : "Invalid category list: the member \"code\" appears twice "
                                "in one object");
    }
}

static void
test_newer_revision_kept (void)
{
  const char *update =
    "{\"revision\": 7, \"campaigns\": [{\"id\": \"x\", \"zh\": \"甲\", \"en\": \"X\"}],"
    " \"categories\": [{\"code\": \"07001\", \"zh\": \"非法小广告\", \"en\": \"Ads\","
    " \"campaigns\": [\"x\"]}]}";
  g_autofree char *dir = xuncha_test_make_tmpdir ();
  g_autoptr(GError) error = NULL;
  g_autoptr(XunchaStore) store = xuncha_store_open (dir, &error);
  g_autoptr(GBytes) bytes = g_bytes_new_static (update, strlen (update));
  g_autoptr(XunchaTaxonomy) office = xuncha_taxonomy_new_from_bytes (bytes, &error);
  g_autoptr(XunchaTaxonomy) stored = NULL;

  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  /* A report uses 09006: the update drops it, but the report keeps its category. */
  g_assert_true (xuncha_store_exec (store,
                                    "INSERT INTO reports (uuid, created_at, category) VALUES "
                                    "('r', '2026-01-01T00:00:00Z', '09006')", &error));
  g_assert_true (xuncha_taxonomy_save_to_store (office, store, &error));
  g_assert_no_error (error);
  g_clear_object (&store);

  /* Reopening must not put the older bundled list back. */
  store = xuncha_store_open (dir, &error);
  g_assert_no_error (error);
  g_assert_true (xuncha_store_prepare_for_use (store, &error));
  stored = xuncha_taxonomy_new_from_store (store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (xuncha_taxonomy_get_revision (stored), ==, 7);
  g_assert_cmpuint (g_list_model_get_n_items (xuncha_taxonomy_get_categories (stored)), ==, 2);
  g_assert_nonnull (xuncha_taxonomy_lookup (stored, "09006"));
  g_assert_cmpstr (xuncha_category_get_name_en (xuncha_taxonomy_lookup (stored, "07001")), ==,
                   "Ads");
  /* A document from before priorities and pinyin: no order of its own, search by names. */
  g_assert_cmpstr (xuncha_taxonomy_get_priority (office)[0], ==, NULL);
  g_assert_cmpstr (xuncha_taxonomy_get_priority (stored)[0], ==, NULL);
  g_assert_null (xuncha_category_get_pinyin (xuncha_taxonomy_lookup (stored, "07001")));
  g_assert_false (xuncha_category_matches (xuncha_taxonomy_lookup (stored, "07001"), "npx"));
  g_assert_true (xuncha_category_matches (xuncha_taxonomy_lookup (stored, "07001"), "广告"));
  xuncha_test_remove_tree (dir);
}

static guint
count_han (const char *text)
{
  guint n = 0;

  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    n += g_unichar_get_script (g_utf8_get_char (p)) == G_UNICODE_SCRIPT_HAN;
  return n;
}

/* Every bundled name has its pinyin, one syllable per character, and the search finds a
 * category by the letters a pinyin keyboard takes for it. */
static void
test_bundled_pinyin_and_priority (void)
{
  g_autoptr(XunchaTaxonomy) taxonomy = xuncha_taxonomy_new_bundled (NULL);
  GListModel *categories = xuncha_taxonomy_get_categories (taxonomy);
  const char * const *priority = xuncha_taxonomy_get_priority (taxonomy);
  XunchaCategory *ads, *stall;

  for (guint i = 0; i < g_list_model_get_n_items (categories); i++)
    {
      g_autoptr(XunchaCategory) c = g_list_model_get_item (categories, i);
      const char *pinyin = xuncha_category_get_pinyin (c);
      g_auto(GStrv) syllables = NULL;

      g_assert_nonnull (pinyin);
      syllables = g_strsplit (pinyin, " ", -1);
      g_assert_cmpuint (g_strv_length (syllables), ==,
                        count_han (xuncha_category_get_name_zh (c)));
    }

  ads = xuncha_taxonomy_lookup (taxonomy, "07001");
  stall = xuncha_taxonomy_lookup (taxonomy, "09006");
  g_assert_true (xuncha_category_matches (ads, "npx"));
  g_assert_true (xuncha_category_matches (ads, "niupixuan"));
  g_assert_true (xuncha_category_matches (ads, "xiaoguang"));
  g_assert_false (xuncha_category_matches (stall, "npx"));
  g_assert_true (xuncha_category_matches (stall, "zdjy"));
  g_assert_true (xuncha_category_matches (stall, "zhandao"));
  /* Letters with anything else are not pinyin. */
  g_assert_false (xuncha_category_matches (ads, "np x"));

  /* The campaign plan's first targets: stalls, small ads, barbecues. */
  g_assert_cmpstr (priority[0], ==, "09006");
  g_assert_cmpstr (priority[1], ==, "07001");
  g_assert_cmpstr (priority[2], ==, "06029");
}

/* The optional members are checked as strictly as the rest, and the error names them. */
static void
test_pinyin_and_priority_refused (void)
{
  static const char * const documents[][2] = {
    { "priority", "\"priority\":\"1\"," },
    { "priority", "\"priority\":[\"2\"]," },
    { "priority", "\"priority\":[\"1\",\"1\"]," },
    { "priority", "\"priority\":[1]," },
  };
  static const char * const pinyins[] = { "\"Niu\"", "\"niǔ\"", "\"niu  pi\"", "\" niu\"",
                                          "\"\"", "7" };

  for (guint i = 0; i < G_N_ELEMENTS (documents) + G_N_ELEMENTS (pinyins); i++)
    {
      g_autofree char *json = NULL;
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(XunchaTaxonomy) taxonomy = NULL;
      const char *member;

      if (i < G_N_ELEMENTS (documents))
        {
          member = documents[i][0];
          json = g_strdup_printf ("{\"revision\":1,%s\"campaigns\":[{\"id\":\"a\",\"zh\":\"甲\","
                                  "\"en\":\"A\"}],\"categories\":[{\"code\":\"1\",\"zh\":\"牛\","
                                  "\"en\":\"e\",\"campaigns\":[\"a\"]}]}", documents[i][1]);
        }
      else
        {
          member = "pinyin";
          json = g_strdup_printf ("{\"revision\":1,\"campaigns\":[{\"id\":\"a\",\"zh\":\"甲\","
                                  "\"en\":\"A\"}],\"categories\":[{\"code\":\"1\",\"zh\":\"牛\","
                                  "\"en\":\"e\",\"pinyin\":%s,\"campaigns\":[\"a\"]}]}",
                                  pinyins[i - G_N_ELEMENTS (documents)]);
        }
      bytes = g_bytes_new (json, strlen (json));
      taxonomy = xuncha_taxonomy_new_from_bytes (bytes, &error);
      g_assert_null (taxonomy);
      g_assert_error (error, XUNCHA_TAXONOMY_ERROR, XUNCHA_TAXONOMY_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, member));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

  g_test_add_func ("/taxonomy/bundled-codes-unique", test_bundled_codes_unique);
  g_test_add_func ("/taxonomy/loaded-into-store", test_loaded_into_store);
  g_test_add_func ("/taxonomy/newer-revision-kept", test_newer_revision_kept);
  g_test_add_func ("/taxonomy/bundled-pinyin-and-priority", test_bundled_pinyin_and_priority);
  g_test_add_func ("/taxonomy/invalid/pinyin-or-priority", test_pinyin_and_priority_refused);
  g_test_add_func ("/taxonomy/invalid/deep-or-twice", test_deep_and_twice_refused);
  g_test_add_data_func ("/taxonomy/invalid/not-json", "{ nope", test_invalid_refused);
  g_test_add_data_func ("/taxonomy/invalid/duplicate-code",
                        "{\"revision\":1,\"campaigns\":[{\"id\":\"a\",\"zh\":\"甲\",\"en\":\"A\"}],"
                        "\"categories\":[{\"code\":\"1\",\"zh\":\"z\",\"en\":\"e\",\"campaigns\":[\"a\"]},"
                        "{\"code\":\"1\",\"zh\":\"z\",\"en\":\"e\",\"campaigns\":[\"a\"]}]}",
                        test_invalid_refused);
  g_test_add_data_func ("/taxonomy/invalid/unknown-campaign",
                        "{\"revision\":1,\"campaigns\":[{\"id\":\"a\",\"zh\":\"甲\",\"en\":\"A\"}],"
                        "\"categories\":[{\"code\":\"1\",\"zh\":\"z\",\"en\":\"e\",\"campaigns\":[\"b\"]}]}",
                        test_invalid_refused);
  g_test_add_data_func ("/taxonomy/invalid/choice-without-choices",
                        "{\"revision\":1,\"campaigns\":[{\"id\":\"a\",\"zh\":\"甲\",\"en\":\"A\"}],"
                        "\"categories\":[{\"code\":\"1\",\"zh\":\"z\",\"en\":\"e\",\"campaigns\":[\"a\"],"
                        "\"fields\":[{\"id\":\"c\",\"type\":\"choice\",\"zh\":\"z\",\"en\":\"e\"}]}]}",
                        test_invalid_refused);
  /* The office serves this document and takes reports only in its categories: a code or a
   * field the protocol cannot carry is refused here, not on every report. */
  g_test_add_data_func ("/taxonomy/invalid/code-not-a-protocol-code",
                        "{\"revision\":1,\"campaigns\":[{\"id\":\"a\",\"zh\":\"甲\",\"en\":\"A\"}],"
                        "\"categories\":[{\"code\":\"09 006\",\"zh\":\"z\",\"en\":\"e\","
                        "\"campaigns\":[\"a\"]}]}",
                        test_invalid_refused);
  g_test_add_data_func ("/taxonomy/invalid/field-id-too-long",
                        "{\"revision\":1,\"campaigns\":[{\"id\":\"a\",\"zh\":\"甲\",\"en\":\"A\"}],"
                        "\"categories\":[{\"code\":\"1\",\"zh\":\"z\",\"en\":\"e\",\"campaigns\":[\"a\"],"
                        "\"fields\":[{\"id\":\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\","
                        "\"type\":\"text\",\"zh\":\"z\",\"en\":\"e\"}]}]}",
                        test_invalid_refused);

  return g_test_run ();
}
