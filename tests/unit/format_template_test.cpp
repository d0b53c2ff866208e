#include "cli/format_template.h"

#include <gtest/gtest.h>

namespace isobench::cli {
namespace {

using nlohmann::json;

std::string render(std::string_view text, const json& data) {
  auto parsed = FormatTemplate::parse(text);
  if (!parsed) return "parse error: " + parsed.error().text();
  auto rendered = parsed->render(data);
  return rendered ? *rendered : "render error: " + rendered.error().text();
}

std::string parse_error(std::string_view text) {
  auto parsed = FormatTemplate::parse(text);
  return parsed ? "parsed" : parsed.error().text();
}

const json kContainer = json::parse(R"({
  "Id": "0123456789abcdef", "Name": "/web", "RestartCount": 0, "Ratio": 0.5, "Big": 1000000.0,
  "State": {"Status": "running", "Running": true, "Pid": 4242, "Error": ""},
  "Config": {"Cmd": ["sh", "-c", "sleep 100"], "Labels": {"b": "2", "a": "1"}, "Entrypoint": null}
})");

TEST(FormatTemplate, CopiesLiteralTextAndFillsFields) {
  EXPECT_EQ(render("name={{.Name}} pid={{.State.Pid}}", kContainer), "name=/web pid=4242");
  EXPECT_EQ(render("no actions at all", kContainer), "no actions at all");
  EXPECT_EQ(render("{{ .State.Status }}", kContainer), "running");
}

TEST(FormatTemplate, KeepsBackslashEscapesLiterallyAsDockerInspectDoes) {
  EXPECT_EQ(render("{{.Name}}\\t{{.Id}}\\n", kContainer), "/web\\t0123456789abcdef\\n");
}

TEST(FormatTemplate, PrintsValuesAsGoPrintsThem) {
  EXPECT_EQ(render("{{.State.Running}} {{.RestartCount}} {{.Ratio}} {{.Big}}", kContainer), "true 0 0.5 1e+06");
  EXPECT_EQ(render("{{.Config.Cmd}}", kContainer), "[sh -c sleep 100]");
  EXPECT_EQ(render("{{.Config.Labels}}", kContainer), "map[a:1 b:2]");
  EXPECT_EQ(render("{{.Config.Entrypoint}}", kContainer), "<nil>");
  EXPECT_EQ(render("[{{.State.Error}}]", kContainer), "[]");
}

TEST(FormatTemplate, PrintsNoValueForAMissingPathAtAnyDepth) {
  EXPECT_EQ(render("{{.Nothing}}", kContainer), "<no value>");
  EXPECT_EQ(render("{{.State.Nothing}}", kContainer), "<no value>");
  EXPECT_EQ(render("{{.Nothing.Below.It}}", kContainer), "<no value>");
}

TEST(FormatTemplate, JsonPrintsCompactJsonWithoutHtmlEscaping) {
  EXPECT_EQ(render("{{json .Config.Cmd}}", kContainer), R"(["sh","-c","sleep 100"])");
  EXPECT_EQ(render("{{json .State.Pid}}", kContainer), "4242");
  EXPECT_EQ(render("{{json .Nothing}}", kContainer), "null");
  EXPECT_EQ(render("{{json .}}", json{{"a", "<&>"}}), R"({"a":"<&>"})");
}

TEST(FormatTemplate, AppliesStringFunctionsAndPipelines) {
  EXPECT_EQ(render("{{upper .State.Status}}", kContainer), "RUNNING");
  EXPECT_EQ(render("{{.State.Status | upper}}", kContainer), "RUNNING");
  EXPECT_EQ(render("{{title \"hello big world\"}}", kContainer), "Hello Big World");
  EXPECT_EQ(render("{{join .Config.Cmd \" \"}}", kContainer), "sh -c sleep 100");
  EXPECT_EQ(render("{{split \"a::b\" \"::\"}}", kContainer), "[a b]");
  EXPECT_EQ(render("{{.Config.Cmd | json | lower}}", kContainer), R"(["sh","-c","sleep 100"])");
}

TEST(FormatTemplate, TrimMarkersRemoveTheWhiteSpaceBesideAnAction) {
  EXPECT_EQ(render("a   {{- .State.Pid -}}   b", kContainer), "a4242b");
  EXPECT_EQ(render("a {{-.State.Pid}}", kContainer), "parse error: template: :1:4: function \"-.State.Pid\" not defined");
}

TEST(FormatTemplate, RejectsAnUnclosedActionNamingWhereItOpens) {
  EXPECT_EQ(parse_error("{{.Name}} and {{.Id"), "template: :1:14: unclosed action");
  EXPECT_EQ(parse_error("line one\n  {{.Id"), "template: :2:2: unclosed action");
  EXPECT_EQ(parse_error("{{\"}}\"}}"), "parsed");
}

TEST(FormatTemplate, RejectsAnEmptyAction) {
  EXPECT_EQ(parse_error("x {{ }}"), "template: :1:5: missing value for command");
}

TEST(FormatTemplate, RejectsUnknownFunctionsAndPathsWithoutTheirDot) {
  EXPECT_EQ(parse_error("{{printf .Name}}"), "template: :1:2: function \"printf\" not defined (a field is written .printf)");
  EXPECT_EQ(parse_error("{{Name}}"), "template: :1:2: function \"Name\" not defined (a field is written .Name)");
  EXPECT_EQ(parse_error("{{.State..Pid}}"), "template: :1:2: bad field \".State..Pid\"");
}

TEST(FormatTemplate, RejectsActionsOutsideTheSubset) {
  EXPECT_EQ(parse_error("{{range .Mounts}}x{{end}}"),
            "template: :1:2: \"range\" is not supported: a template here takes fields, string literals and the "
            "functions json, upper, lower, title, join and split");
}

TEST(FormatTemplate, RejectsWrongArgumentCountsAndUnterminatedStrings) {
  EXPECT_EQ(parse_error("{{json .A .B}}"), "template: :1:2: wrong number of args for json: want 1 got 2");
  EXPECT_EQ(parse_error("{{.A | join}}"), "template: :1:7: wrong number of args for join: want 2 got 1");
  EXPECT_EQ(parse_error("{{.A .B}}"), "template: :1:5: can't give argument to non-function");
  EXPECT_EQ(parse_error("{{join .A \"x}}"), "template: :1:0: unclosed action");
}

TEST(FormatTemplate, FailsToRenderAFieldOfAScalarAsGoDoes) {
  EXPECT_EQ(render("{{.Name.First}}", kContainer),
            "render error: template: :1:2: executing \"\" at <.Name.First>: can't evaluate field First in type string");
  EXPECT_EQ(render("{{.Config.Entrypoint.X}}", kContainer),
            "render error: template: :1:2: executing \"\" at <.Config.Entrypoint.X>: nil pointer evaluating interface {}.X");
  EXPECT_EQ(render("{{join .State \",\"}}", kContainer),
            "render error: template: :1:2: executing \"\" at <join>: wrong type for value; expected []string; got map[string]interface {}");
}

TEST(FormatTemplate, ParsedOnceRendersForEachObject) {
  auto parsed = FormatTemplate::parse("{{.Name}};");
  ASSERT_TRUE(parsed);
  EXPECT_EQ(*parsed->render(json{{"Name", "a"}}), "a;");
  EXPECT_EQ(*parsed->render(json{{"Name", "b"}}), "b;");
}

TEST(ListingFormat, ExpandsTabsAndNewlinesAndTrimsSpaces) {
  auto format = parse_listing_format("  {{.ID}}\\t{{.Names}}\\n ");
  ASSERT_TRUE(format);
  EXPECT_FALSE(format->table);
  auto text = render_listing(*format, {json{{"ID", "abc"}, {"Names", "web"}}}, json::object());
  ASSERT_TRUE(text);
  EXPECT_EQ(*text, "abc\tweb\n\n");
}

TEST(ListingFormat, TableHasAHeaderRowAndAlignedColumns) {
  auto format = parse_listing_format("table {{.ID}}\\t{{.Names}}\\t{{upper .Status}}");
  ASSERT_TRUE(format);
  EXPECT_TRUE(format->table);
  const json headers = {{"ID", "CONTAINER ID"}};
  auto text = render_listing(*format, {json{{"ID", "0123456789ab"}, {"Names", "a_very_long_name"}, {"Status", "up"}}}, headers);
  ASSERT_TRUE(text);
  EXPECT_EQ(*text,
            "CONTAINER ID   NAMES              STATUS\n"
            "0123456789ab   a_very_long_name   UP\n");
}

TEST(ListingFormat, TablePrintsItsHeaderEvenWithNoRows) {
  auto format = parse_listing_format("table {{.ID}}");
  ASSERT_TRUE(format);
  EXPECT_EQ(*render_listing(*format, {}, json{{"ID", "CONTAINER ID"}}), "CONTAINER ID\n");
}

TEST(ListingFormat, ReportsTheErrorOfARow) {
  auto format = parse_listing_format("{{.ID.X}}");
  ASSERT_TRUE(format);
  auto text = render_listing(*format, {json{{"ID", "abc"}}}, json::object());
  ASSERT_FALSE(text);
  EXPECT_EQ(text.error().exit_code, exit_codes::kUsage);
}

TEST(GoValueText, PrintsFloatsInGoShortestForm) {
  EXPECT_EQ(go_value_text(json(0.1)), "0.1");
  EXPECT_EQ(go_value_text(json(123456.0)), "123456");
  EXPECT_EQ(go_value_text(json(1234567.0)), "1.234567e+06");
  EXPECT_EQ(go_value_text(json(0.00001)), "1e-05");
  EXPECT_EQ(go_value_text(json(-2.5)), "-2.5");
  EXPECT_EQ(go_value_text(json(int64_t{-7})), "-7");
}

}  // namespace
}  // namespace isobench::cli
