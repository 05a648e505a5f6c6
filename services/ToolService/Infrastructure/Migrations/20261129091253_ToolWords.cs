using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace AgentOrchestration.ToolService.Infrastructure.Migrations
{
    /// <inheritdoc />
    public partial class ToolWords : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "IX_tools_search_text",
                table: "tools");

            migrationBuilder.CreateTable(
                name: "tool_words",
                columns: table => new
                {
                    word = table.Column<string>(type: "text", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("PK_tool_words", x => x.word);
                });

            migrationBuilder.CreateIndex(
                name: "IX_tool_words_trigram",
                table: "tool_words",
                column: "word")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });

            // Every write of a tool's search text adds its new words to the vocabulary, whichever code path wrote it
            // (API, MCP sync, builtin seeding). Lexemes of a tsvector come sorted, so concurrent single-tool writes take
            // row locks in the same order; words already known are skipped rather than re-inserted, to keep
            // concurrent writers from waiting on each other.
            migrationBuilder.Sql("""
                CREATE FUNCTION tool_words_collect() RETURNS trigger LANGUAGE plpgsql AS $$
                BEGIN
                    INSERT INTO tool_words (word)
                    SELECT w FROM unnest(tsvector_to_array(NEW.search_vector)) AS w
                    WHERE NOT EXISTS (SELECT 1 FROM tool_words WHERE word = w)
                    ON CONFLICT DO NOTHING;
                    RETURN NULL;
                END
                $$;
                CREATE TRIGGER tools_collect_words AFTER INSERT OR UPDATE OF search_text ON tools
                    FOR EACH ROW EXECUTE FUNCTION tool_words_collect();
                INSERT INTO tool_words (word)
                SELECT DISTINCT unnest(tsvector_to_array(search_vector)) FROM tools
                ON CONFLICT DO NOTHING;
                """);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.Sql("""
                DROP TRIGGER tools_collect_words ON tools;
                DROP FUNCTION tool_words_collect();
                """);

            migrationBuilder.DropTable(
                name: "tool_words");

            migrationBuilder.CreateIndex(
                name: "IX_tools_search_text",
                table: "tools",
                column: "search_text")
                .Annotation("Npgsql:IndexMethod", "gin")
                .Annotation("Npgsql:IndexOperators", new[] { "gin_trgm_ops" });
        }
    }
}
