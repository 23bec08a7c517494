using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.X86;
using LLama.Native;

namespace Parley.Llama;

/// <summary>
/// Chooses which of the backend's CPU builds of llama.cpp (noavx, avx, avx2, avx512) is loaded, before the first
/// native call. LLamaSharp detects the instruction set itself, but under NativeAOT it sees none and loads the slowest
/// build (prompt speed about a quarter); here the CPU's flags are read from the operating system (<c>/proc/cpuinfo</c>
/// on Linux), which does not depend on how the program was compiled.
/// </summary>
internal static class LlamaNativeLibrary
{
    private static readonly Lock Gate = new();
    private static bool _configured;

    /// <summary>The path of the llama.cpp library the process loaded, or null before a model was loaded.</summary>
    public static string? LoadedPath { get; private set; }

    /// <summary>The instruction set chosen, or null before <see cref="Configure"/>.</summary>
    public static AvxLevel? ChosenLevel { get; private set; }

    /// <summary>The error when no llama.cpp library could be loaded: Parley.Llama leaves the backend to the application.</summary>
    public const string MissingMessage =
        "llama.cpp could not be loaded: no LLamaSharp backend is installed beside the program; add the package LLamaSharp.Backend.Cpu (or another LLamaSharp.Backend.*) to the application.";

    /// <summary>Whether <paramref name="error"/> is LLamaSharp failing to find or load its native library.</summary>
    public static bool IsMissing(Exception error)
    {
        for (Exception? e = error; e is not null; e = e.InnerException)
        {
            // LLamaSharp's NativeApi type initializer throws its RuntimeError; under NativeAOT the wrapper names no type.
            if (e is DllNotFoundException
                || (e is TypeInitializationException init
                    && (init.TypeName?.StartsWith("LLama.Native.", StringComparison.Ordinal) == true || init.InnerException is LLama.Exceptions.RuntimeError)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Chooses the build for this CPU; once per process, before any native call.</summary>
    public static void Configure()
    {
        lock (Gate)
        {
            if (_configured)
            {
                return;
            }

            _configured = true;
            if (NativeLibraryConfig.LLama.LibraryHasLoaded)
            {
                return;
            }

            var level = Detect();
            ChosenLevel = level;
            // llama.cpp logs every load to stderr; Parley reports what matters itself (parley -v).
            // The backend's runtimes/ folder is beside the program: LLamaSharp looks beside its assembly's Location,
            // which is empty under NativeAOT, so the folder is named here.
            NativeLibraryConfig.All.WithAvx(level).WithSearchDirectory(AppContext.BaseDirectory).WithLogCallback(static (_, _) => { });
        }
    }

    /// <summary>Records the library path the process mapped (after a model load).</summary>
    public static void RecordLoaded()
    {
        if (LoadedPath is not null)
        {
            return;
        }

        LoadedPath = MappedLibrary() ?? (NativeApi.GetLoadedNativeLibrary(NativeLibraryName.LLama)?.Metadata?.ToString());
    }

    /// <summary>The best instruction set this CPU has, from the operating system's CPU flags.</summary>
    internal static AvxLevel Detect()
    {
        if (RuntimeInformation.ProcessArchitecture != Architecture.X64)
        {
            return AvxLevel.None;
        }

        if (OperatingSystem.IsLinux() && CpuFlags() is { } flags)
        {
            return flags.Contains("avx512f") ? AvxLevel.Avx512
                : flags.Contains("avx2") ? AvxLevel.Avx2
                : flags.Contains("avx") ? AvxLevel.Avx
                : AvxLevel.None;
        }

        return Avx512F.IsSupported ? AvxLevel.Avx512 : Avx2.IsSupported ? AvxLevel.Avx2 : Avx.IsSupported ? AvxLevel.Avx : AvxLevel.None;
    }

    private static HashSet<string>? CpuFlags()
    {
        try
        {
            foreach (var line in File.ReadLines("/proc/cpuinfo"))
            {
                if (line.StartsWith("flags", StringComparison.Ordinal) && line.IndexOf(':', StringComparison.Ordinal) is var colon and > 0)
                {
                    return [.. line[(colon + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)];
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }

    private static string? MappedLibrary()
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            foreach (var line in File.ReadLines("/proc/self/maps"))
            {
                var slash = line.IndexOf('/', StringComparison.Ordinal);
                if (slash >= 0 && line.EndsWith("/libllama.so", StringComparison.Ordinal))
                {
                    return line[slash..];
                }
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return null;
    }
}
