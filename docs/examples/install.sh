pip install "pandium-embed[mock]"
