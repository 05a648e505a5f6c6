using System.Text.Json;
using System.Text.Json.Serialization;

namespace AgentOrchestration.ToolService.Model;

/// <summary>
/// An integer as JSON Schema counts them: 1000, 1000.0 and 1e3 are the same integer; 1000.5 is not one. System.Text.Json
/// reads only the first as an <c>int</c> and turns the others into a binding failure.
/// </summary>
public sealed class IntegralNumberConverter : JsonConverter<int?>
{
    public override int? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        if (reader.TokenType == JsonTokenType.Number)
        {
            if (reader.TryGetInt32(out var exact))
            {
                return exact;
            }

            if (reader.TryGetDouble(out var number) && double.IsFinite(number) && number == Math.Floor(number)
                && number is >= int.MinValue and <= int.MaxValue)
            {
                return (int)number;
            }
        }

        throw new JsonException("The value must be a whole number within the 32-bit integer range.");
    }

    public override void Write(Utf8JsonWriter writer, int? value, JsonSerializerOptions options)
    {
        if (value is { } number)
        {
            writer.WriteNumberValue(number);
        }
        else
        {
            writer.WriteNullValue();
        }
    }
}
