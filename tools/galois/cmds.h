// The subcommands of the `galois` command. Each takes the arguments after its own name
// (argv[0] is the subcommand name) and returns the process exit status.
#ifndef GALOIS_TOOLS_CMDS_H
#define GALOIS_TOOLS_CMDS_H

int galois_cmd_pcap(int argc, char **argv);
int galois_cmd_keygen(int argc, char **argv);
int galois_cmd_bench(int argc, char **argv);
int galois_cmd_demo(int argc, char **argv);
int galois_cmd_sdp(int argc, char **argv);
int galois_cmd_call(int argc, char **argv);
int galois_cmd_answer(int argc, char **argv);
int galois_cmd_audit(int argc, char **argv);
int galois_cmd_webrtc(int argc, char **argv);

// galois_demo_call runs the call demonstration of `galois demo` (demo_call.c).
int galois_demo_call(void);

#endif  // GALOIS_TOOLS_CMDS_H
