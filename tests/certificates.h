// Throwaway certificate authorities and certificates for TLS tests, made
// with the openssl command into a test's temporary directory.
#pragma once

#include <cstdlib>
#include <fstream>
#include <sstream>
#include <string>

namespace bilateral::test {

// Runs a shell command quietly; true when it exits 0.
inline bool RunQuietly(const std::string& command) {
  return std::system((command + " >/dev/null 2>&1").c_str()) == 0;
}

inline std::string ReadText(const std::string& path) {
  std::ifstream file(path);
  std::stringstream text;
  text << file.rdbuf();
  return text.str();
}

// Makes `<dir>/<name>.pem` and `<dir>/<name>.key`, a self-signed CA.
inline bool MakeCertificateAuthority(const std::string& dir, const std::string& name) {
  return RunQuietly(
      "openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 "
      "-nodes -days 2 -subj /CN=" +
      name + " -keyout " + dir + "/" + name + ".key -out " + dir + "/" + name + ".pem");
}

// Makes `<dir>/<name>.pem` and `<dir>/<name>.key`, signed by the CA `ca`
// in `dir`, valid for localhost and 127.0.0.1.
inline bool MakeCertificate(const std::string& dir, const std::string& name,
                            const std::string& ca) {
  const std::string base = dir + "/" + name;
  std::ofstream(base + ".ext") << "subjectAltName=DNS:localhost,IP:127.0.0.1\n";
  return RunQuietly(
             "openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes "
             "-subj /CN=" +
             name + " -keyout " + base + ".key -out " + base + ".csr") &&
         RunQuietly("openssl x509 -req -days 2 -in " + base + ".csr -CA " + dir + "/" + ca +
                    ".pem -CAkey " + dir + "/" + ca + ".key -CAcreateserial -extfile " + base +
                    ".ext -out " + base + ".pem");
}

}  // namespace bilateral::test
