using System.Buffers;
using System.Text;
using System.Text.Json;
using ThreatExchange.Domain.Configuration;

namespace ThreatExchange.Proofpoint.Extraction;

/// <summary>
/// Streams a <c>/v2/siem/all</c> response (or a per-type one) into IoCs. Only one record is held in memory
/// at a time: the buffer grows to the largest record, never to the whole response.
/// </summary>
public sealed class IocExtractor
{
    public const int DefaultSkipDetailLimit = 100;
    private const int InitialBufferSize = 256 * 1024;

    private readonly IReadOnlySet<string> _eventTypes;
    private readonly int _skipDetailLimit;

    public IocExtractor(IEnumerable<string>? eventTypes = null, int skipDetailLimit = DefaultSkipDetailLimit)
    {
        _eventTypes = new HashSet<string>(eventTypes ?? ProofpointEventTypes.All, StringComparer.Ordinal);
        _skipDetailLimit = skipDetailLimit;
    }

    public ExtractionResult Extract(ReadOnlySpan<byte> json)
    {
        var run = new Run(this);
        var reader = new Utf8JsonReader(json, isFinalBlock: true, default);
        run.Advance(ref reader);
        return run.Finish();
    }

    public async Task<ExtractionResult> ExtractAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        var run = new Run(this);
        var buffer = ArrayPool<byte>.Shared.Rent(InitialBufferSize);
        try
        {
            var length = 0;
            var final = false;
            var state = default(JsonReaderState);
            while (true)
            {
                if (length == buffer.Length)
                    buffer = Grow(buffer, length);
                var read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
                length += read;
                final = read == 0;

                var consumed = run.AdvanceChunk(buffer.AsSpan(0, length), final, ref state);
                if (final)
                    break;
                Buffer.BlockCopy(buffer, consumed, buffer, 0, length - consumed);
                length -= consumed;
            }
            return run.Finish();
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private static byte[] Grow(byte[] buffer, int length)
    {
        var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
        Buffer.BlockCopy(buffer, 0, larger, 0, length);
        ArrayPool<byte>.Shared.Return(buffer);
        return larger;
    }

    /// <summary>One pass over one response; resumable across buffer refills.</summary>
    private sealed class Run
    {
        private enum Position { BeforeRoot, InRoot, InEventArray, Done }

        private readonly IocExtractor _owner;
        private readonly IocMerger _merger = new();
        private readonly EventInterpreter _interpreter;
        private readonly List<SkippedRecord> _skipped = [];
        private Position _position = Position.BeforeRoot;
        private string? _eventType;
        private int _index;
        private int _events;
        private int _skipCount;
        private long _offset;
        private DateTimeOffset? _queryEndTime;

        public Run(IocExtractor owner)
        {
            _owner = owner;
            _interpreter = new EventInterpreter(_merger, Skip);
        }

        public int AdvanceChunk(ReadOnlySpan<byte> data, bool final, ref JsonReaderState state)
        {
            var reader = new Utf8JsonReader(data, final, state);
            Advance(ref reader);
            state = reader.CurrentState;
            var consumed = (int)reader.BytesConsumed;
            _offset += consumed;
            return consumed;
        }

        public void Advance(ref Utf8JsonReader reader)
        {
            try
            {
                while (_position != Position.Done && Step(ref reader))
                {
                }
            }
            catch (JsonException e)
            {
                throw new MalformedResponseException($"The response is not valid JSON near byte {_offset + reader.BytesConsumed}: {e.Message}", e);
            }
            catch (InvalidOperationException e) when (e.InnerException is DecoderFallbackException)
            {
                throw new MalformedResponseException($"The response is not valid UTF-8 near byte {_offset + reader.BytesConsumed}.", e);
            }
        }

        public ExtractionResult Finish() => _position == Position.Done
            ? new(_merger.Result(), _events, _skipCount, _skipped, _queryEndTime)
            : throw new MalformedResponseException($"The response ends early, at byte {_offset}: the JSON object is not closed.");

        /// <returns>False when the buffer holds no complete next item; the reader is left before it.</returns>
        private bool Step(ref Utf8JsonReader reader)
        {
            switch (_position)
            {
                case Position.BeforeRoot:
                    if (!reader.Read())
                        return false;
                    if (reader.TokenType != JsonTokenType.StartObject)
                        throw new MalformedResponseException(
                            $"The response is a JSON {EventInterpreter.Describe(reader.TokenType)}, not the object Proofpoint's SIEM API returns.");
                    _position = Position.InRoot;
                    return true;

                case Position.InRoot:
                {
                    var probe = reader;
                    if (!probe.Read())
                        return false;
                    if (probe.TokenType == JsonTokenType.EndObject)
                    {
                        reader = probe;
                        _position = Position.Done;
                        return true;
                    }
                    var name = probe.GetString()!;
                    if (!probe.Read())
                        return false;
                    if (_owner._eventTypes.Contains(name) && probe.TokenType == JsonTokenType.StartArray)
                    {
                        reader = probe;
                        _eventType = name;
                        _index = 0;
                        _position = Position.InEventArray;
                        return true;
                    }
                    var valueToken = probe.TokenType;
                    if (name == "queryEndTime" && valueToken == JsonTokenType.String && probe.TryGetDateTimeOffset(out var end))
                        _queryEndTime = end.ToUniversalTime();
                    if (!probe.TrySkip())
                        return false;
                    if (_owner._eventTypes.Contains(name) && valueToken != JsonTokenType.Null)
                        Skip(new(name, -1, $"the {name} value is a JSON {EventInterpreter.Describe(valueToken)}, not an array."));
                    reader = probe;
                    return true;
                }

                case Position.InEventArray:
                {
                    var probe = reader;
                    if (!probe.Read())
                        return false;
                    if (probe.TokenType == JsonTokenType.EndArray)
                    {
                        reader = probe;
                        _position = Position.InRoot;
                        return true;
                    }
                    if (!_interpreter.TryRead(ref reader, _eventType!, _index))
                        return false;
                    _events++;
                    _index++;
                    return true;
                }

                default:
                    return false;
            }
        }

        private void Skip(SkippedRecord record)
        {
            _skipCount++;
            if (_skipped.Count < _owner._skipDetailLimit)
                _skipped.Add(record);
        }
    }
}
