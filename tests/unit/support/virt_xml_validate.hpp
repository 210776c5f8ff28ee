#pragma once
// libvirt's own schema check of a domain XML (virt-xml-validate, Debian's libvirt-clients), on a file of
// the test's own so that tests running side by side never share one.

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <fmt/format.h>
#include <fstream>
#include <string>
#include <unistd.h>

namespace aperture::test {

// A file under /tmp that exists from construction to destruction, with a name no other test holds.
class TempFile {
public:
    explicit TempFile(const std::string& stem) : path_("/tmp/" + stem + "-XXXXXX") {
        const int fd = mkstemp(path_.data());
        if (fd < 0) ADD_FAILURE() << "cannot create a temporary file for " << stem;
        else close(fd);
    }
    ~TempFile() { std::remove(path_.c_str()); }
    TempFile(const TempFile&) = delete;
    TempFile& operator=(const TempFile&) = delete;

    const std::string& path() const { return path_; }
    void write(const std::string& text) const { std::ofstream(path_) << text; }

private:
    std::string path_;
};

inline bool validates_as_domain(const std::string& xml) {
    EXPECT_EQ(std::system("command -v virt-xml-validate >/dev/null 2>&1"), 0)
        << "virt-xml-validate is missing: scripts/install-deps.sh --tests installs libvirt-clients";
    // virt-xml-validate runs xmllint, which libvirt-clients does not depend on: without it every domain fails.
    EXPECT_EQ(std::system("command -v xmllint >/dev/null 2>&1"), 0)
        << "xmllint is missing: scripts/install-deps.sh --tests installs libxml2-utils";
    const TempFile file("aperture-domain");
    file.write(xml);
    return std::system(fmt::format("virt-xml-validate {} domain >/dev/null 2>&1", file.path()).c_str()) == 0;
}

}  // namespace aperture::test
