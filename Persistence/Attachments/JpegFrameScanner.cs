namespace OrleansChat.Persistence.Attachments;

/// <summary>
/// Finds a JPEG's width and height in its start-of-frame segment, a byte at a time as the file streams past: the
/// segments before it (EXIF, colour profiles) may be any length, so no fixed head would be sure to hold it.
/// </summary>
internal sealed class JpegFrameScanner
{
    private State _state = State.Marker;
    private long _position;
    private int _toSkip;
    private int _length;
    private readonly byte[] _frame = new byte[5];
    private int _frameFilled;

    private enum State { Marker, MarkerCode, Length1, Length2, Skip, Frame, Done, Broken }

    public int? Width { get; private set; }

    public int? Height { get; private set; }

    public void Feed(ReadOnlySpan<byte> bytes)
    {
        foreach (var b in bytes)
        {
            if (_state is State.Done or State.Broken)
            {
                return;
            }

            // The first two bytes are the start-of-image marker, which the sniffer already checked.
            if (_position++ < 2)
            {
                continue;
            }

            Step(b);
        }
    }

    private void Step(byte b)
    {
        switch (_state)
        {
            case State.Marker:
                _state = b == 0xFF ? State.MarkerCode : State.Broken;
                break;
            case State.MarkerCode:
                _state = b switch
                {
                    0xFF => State.MarkerCode,                                   // fill bytes
                    0x01 or (>= 0xD0 and <= 0xD8) => State.Marker,              // markers without a segment
                    0xDA or 0xD9 => State.Broken,                               // scan data or end before any frame
                    _ => State.Length1,
                };
                _toSkip = b is >= 0xC0 and <= 0xCF and not 0xC4 and not 0xC8 and not 0xCC ? -1 : 0;
                break;
            case State.Length1:
                _length = b << 8;
                _state = State.Length2;
                break;
            case State.Length2:
                _length |= b;
                if (_length < 2)
                {
                    _state = State.Broken;
                }
                else if (_toSkip < 0)
                {
                    _state = State.Frame;
                }
                else
                {
                    _toSkip = _length - 2;
                    _state = _toSkip == 0 ? State.Marker : State.Skip;
                }

                break;
            case State.Skip:
                _state = --_toSkip == 0 ? State.Marker : State.Skip;
                break;
            case State.Frame:
                _frame[_frameFilled++] = b;
                if (_frameFilled == _frame.Length)
                {
                    Height = (_frame[1] << 8) | _frame[2];
                    Width = (_frame[3] << 8) | _frame[4];
                    _state = State.Done;
                }

                break;
        }
    }
}
